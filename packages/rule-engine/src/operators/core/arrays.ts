import { cheapTruth, fieldKeyOf, itemMembershipOf, markBoolean } from '../../js/constants.js'
import { quantifyFieldInList } from '../../js/quantify-in-list.js'
import type { Env, Evaluator } from '../../js/env.js'
import { readField } from '../../js/read-path.js'
import { truthy } from '../../js/truthy.js'
import { defineOperators, type OperatorDefinition } from '../operator.js'

/**
 * `merge` and the scoped operators `map`, `filter`, `reduce`, `all`, `none`, `some`: the second
 * argument runs with each element as its data. JS only. Each returns a new array; the input is
 * never modified.
 */

/** Whether some item's truthiness equals `wanted` (a plain loop: no closure per call). */
function anyItem(
  items: readonly unknown[],
  logic: Evaluator,
  env: Env,
  wanted: boolean,
  strict: boolean,
): boolean {
  if (strict) {
    for (let i = 0; i < items.length; i++) if (logic(items[i], env) === wanted) return true
    return false
  }
  for (let i = 0; i < items.length; i++) if (truthy(logic(items[i], env)) === wanted) return true
  return false
}

const scoped = (
  name: string,
  run: (items: readonly unknown[], logic: Evaluator, env: Env, strict: boolean) => unknown,
  otherwise: unknown,
): OperatorDefinition => ({
  name,
  arity: { min: 2, max: 2 },
  js([source, compiled]) {
    const list = itemMembershipOf(compiled)
    const field = fieldKeyOf(source)
    if (list && field !== undefined && (name === 'some' || name === 'all' || name === 'none')) {
      return markBoolean(quantifyFieldInList(name, field, list))
    }
    // all/none/some only test truthiness: a boolean closure (or a cheaper truth form) is called as is.
    const cheap = typeof otherwise === 'boolean' ? cheapTruth(compiled!) : undefined
    const logic = cheap ?? compiled!
    const strict = cheap !== undefined
    const key = fieldKeyOf(source)
    const evaluator: Evaluator =
      key !== undefined
        ? (data, env) => {
            const items = readField(data, key)
            return Array.isArray(items) ? run(items, logic, env, strict) : otherwise
          }
        : (data, env) => {
            const items = source!(data, env)
            return Array.isArray(items) ? run(items, logic, env, strict) : otherwise
          }
    return typeof otherwise === 'boolean' ? markBoolean(evaluator) : evaluator
  },
})

export const arrayOperators = defineOperators(
  {
    name: 'merge',
    arity: { min: 0 },
    js: (args) => (d, e) => {
      const out: unknown[] = []
      for (let i = 0; i < args.length; i++) {
        const value = args[i]!(d, e)
        if (Array.isArray(value)) for (let j = 0; j < value.length; j++) out.push(value[j])
        else out.push(value)
      }
      return out
    },
  },
  scoped('map', (items, logic, env) => items.map((item) => logic(item, env)), []),
  scoped('filter', (items, logic, env) => items.filter((item) => truthy(logic(item, env))), []),
  scoped(
    'all',
    (items, logic, env, strict) => items.length > 0 && !anyItem(items, logic, env, false, strict),
    false,
  ),
  scoped('none', (items, logic, env, strict) => !anyItem(items, logic, env, true, strict), true),
  scoped('some', (items, logic, env, strict) => anyItem(items, logic, env, true, strict), false),
  {
    name: 'reduce',
    arity: { min: 2, max: 3 },
    js([source, logic, initial]) {
      return (data, env) => {
        const start = initial ? initial(data, env) : null
        const items = source!(data, env)
        if (!Array.isArray(items)) return start
        let accumulator = start
        for (const current of items) accumulator = logic!({ current, accumulator }, env)
        return accumulator
      }
    },
  },
)
