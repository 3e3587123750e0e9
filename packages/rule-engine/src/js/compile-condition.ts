import { ConditionError } from '../errors.js'
import { parseLogic } from '../parse/parse-logic.js'
import { assertTimeZone } from '../time/zoned-time.js'
import type { CompileOptions, CompiledCondition, ConditionContext, JsonLogic } from '../types.js'
import { compileNode } from './compile-node.js'
import { createEnv, DEFAULT_TIME_ZONE } from './env.js'
import { isEnvFree } from './env-free.js'

/**
 * Compiles JsonLogic once into a tree of closures (no eval, no new Function) with
 * json-logic-js's semantics plus the Trellis operators. Throws ConditionError on malformed
 * logic, naming the path of the offending node.
 */
export function compileCondition(logic: JsonLogic, options: CompileOptions = {}): CompiledCondition {
  const parsed = parseLogic(logic)
  const root = compileNode(parsed)
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE
  try {
    assertTimeZone(timeZone)
  } catch {
    throw new ConditionError('invalid_time_zone', `Unknown time zone "${timeZone}"`, '')
  }
  // No closure reads the env: the compiled tree is the condition itself (one call fewer per
  // evaluation). Whatever the caller passes as context is handed along unread.
  if (isEnvFree(parsed)) return root as unknown as CompiledCondition
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
