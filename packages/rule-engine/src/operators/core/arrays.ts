import type { Evaluator } from '../../js/env.js'
import { truthy } from '../../js/truthy.js'
import { defineOperators, type OperatorDefinition } from '../operator.js'

/**
 * `merge` and the scoped operators `map`, `filter`, `reduce`, `all`, `none`, `some`: the second
 * argument runs with each element as its data. JS only. Each returns a new array; the input is
 * never modified.
 */

const scoped = (
  name: string,
  run: (items: readonly unknown[], logic: Evaluator, env: Parameters<Evaluator>[1]) => unknown,
  otherwise: unknown,
): OperatorDefinition => ({
  name,
  arity: { min: 2, max: 2 },
  js([source, logic]) {
    return (data, env) => {
      const items = source!(data, env)
      return Array.isArray(items) ? run(items, logic!, env) : otherwise
    }
  },
})

export const arrayOperators = defineOperators(
  {
    name: 'merge',
    arity: { min: 0 },
    js: (args) => (d, e) => {
      const out: unknown[] = []
      for (const arg of args) {
        const value = arg(d, e)
        if (Array.isArray(value)) for (const item of value) out.push(item)
        else out.push(value)
      }
      return out
    },
  },
  scoped('map', (items, logic, env) => items.map((item) => logic(item, env)), []),
  scoped('filter', (items, logic, env) => items.filter((item) => truthy(logic(item, env))), []),
  scoped(
    'all',
    (items, logic, env) => items.length > 0 && items.every((item) => truthy(logic(item, env))),
    false,
  ),
  scoped('none', (items, logic, env) => !items.some((item) => truthy(logic(item, env))), true),
  scoped('some', (items, logic, env) => items.some((item) => truthy(logic(item, env))), false),
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
