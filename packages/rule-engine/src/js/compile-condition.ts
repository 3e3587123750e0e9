import { parseLogic } from '../parse/parse-logic.js'
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
  const clock = options.now
  return (data: unknown, context?: ConditionContext) => root(data, createEnv(context, timeZone, clock))
}
