import { ConditionError, joinPath } from '../errors.js'
import { findOperator } from '../operators/registry.js'
import { checkDepth } from './check-depth.js'
import { isLogicObject, operatorOf } from './is-logic.js'
import type { LogicNode } from './nodes.js'

/**
 * Checks and parses JsonLogic into nodes. Unknown operators and wrong arities fail here, at
 * compile time, with the node's path (json-logic-js only finds them while running).
 * Recursion below is safe: checkDepth has already capped the nesting.
 */
export function parseLogic(logic: unknown): LogicNode {
  checkDepth(logic)
  return parseNode(logic, '')
}

function parseNode(value: unknown, path: string): LogicNode {
  if (Array.isArray(value)) {
    const items = value.map((item, i) => parseNode(item, joinPath(path, i)))
    if (items.every((item) => item.kind === 'literal')) {
      return Object.freeze({ kind: 'literal', value, path })
    }
    return Object.freeze({ kind: 'array', items: Object.freeze(items), path })
  }
  if (!isLogicObject(value)) return Object.freeze({ kind: 'literal', value, path })

  const op = operatorOf(value)
  const raw = value[op]
  const opPath = joinPath(path, op)
  const definition = findOperator(op)
  if (!definition) throw new ConditionError('unknown_operator', `Unknown operator "${op}"`, path)
  // JsonLogic's shorthand: {"!": x} means {"!": [x]}.
  const argValues = Array.isArray(raw) ? raw : [raw]
  const { min, max } = definition.arity
  if (argValues.length < min || (max !== undefined && argValues.length > max)) {
    const expected = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`
    throw new ConditionError(
      'wrong_arity',
      `Operator "${op}" takes ${expected} argument(s), got ${argValues.length}`,
      path,
    )
  }
  const args = argValues.map((arg, i) => parseNode(arg, Array.isArray(raw) ? joinPath(opPath, i) : opPath))
  return Object.freeze({ kind: 'operator', op, args: Object.freeze(args), path })
}
