import { ConditionError, joinPath } from '../errors.js'
import { isLogicObject, operatorOf } from './is-logic.js'
import { MAX_DEPTH } from './limits.js'

/**
 * Walks the logic with an explicit stack (never recursion), so a 10,000-deep or cyclic input
 * is refused with a path instead of overflowing the call stack.
 */
export function checkDepth(logic: unknown): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: logic, path: '', depth: 1 }]
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!
    if (depth > MAX_DEPTH) {
      throw new ConditionError('too_deep', `Condition is nested deeper than ${MAX_DEPTH} levels`, path)
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i], path: joinPath(path, i), depth: depth + 1 })
    } else if (isLogicObject(value)) {
      const op = operatorOf(value)
      const args = value[op]
      const opPath = joinPath(path, op)
      if (Array.isArray(args)) {
        for (let i = 0; i < args.length; i++)
          stack.push({ value: args[i], path: joinPath(opPath, i), depth: depth + 1 })
      } else {
        stack.push({ value: args, path: opPath, depth: depth + 1 })
      }
    }
  }
}
