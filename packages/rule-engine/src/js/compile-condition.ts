import { ConditionError } from '../errors.js'
import { parseLogic } from '../parse/parse-logic.js'
import { assertTimeZone } from '../time/zoned-time.js'
import type { CompileOptions, CompiledCondition, ConditionContext, JsonLogic } from '../types.js'
import { compileNode } from './compile-node.js'
import { createEnv, DEFAULT_TIME_ZONE } from './env.js'

/**
 * Compiles JsonLogic once into a tree of closures (no eval, no new Function) with
 * json-logic-js's semantics plus the Trellis operators. Throws ConditionError on malformed
 * logic, naming the path of the offending node.
 */
export function compileCondition(logic: JsonLogic, options: CompileOptions = {}): CompiledCondition {
  const root = compileNode(parseLogic(logic))
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE
  try {
    assertTimeZone(timeZone)
  } catch {
    throw new ConditionError('invalid_time_zone', `Unknown time zone "${timeZone}"`, '')
  }
  const clock = options.now
  // Without a context every call can share one env (resetting the memoized `now`): no allocation.
  const shared = createEnv(undefined, timeZone, clock)
  return (data: unknown, context?: ConditionContext) => {
    if (context === undefined) {
      shared.nowMs = undefined
      return root(data, shared)
    }
    return root(data, createEnv(context, timeZone, clock))
  }
}
