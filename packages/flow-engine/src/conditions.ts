// Conditions are JsonLogic, compiled by @trellis/rule-engine into closures once per expression and
// cached by identity (definitions are immutable while instances run on them). The evaluator is also
// an option of `advance`, so a host or a test can supply its own.
import { compileCondition, type CompiledCondition } from '@trellis/rule-engine'
import type { JsonLogic } from './types'

export type ConditionEvaluator = (logic: JsonLogic, data: unknown, context?: unknown) => unknown

const compiled = new WeakMap<object, CompiledCondition>()

function compiledFor(logic: JsonLogic): CompiledCondition {
  if (logic === null || typeof logic !== 'object') return compileCondition(logic)
  let fn = compiled.get(logic)
  if (!fn) {
    fn = compileCondition(logic)
    compiled.set(logic, fn)
  }
  return fn
}

/** The context carries the event's time as `now`, so `$now`-style operators stay deterministic. */
export const ruleEngineEvaluator: ConditionEvaluator = (logic, data, context) =>
  compiledFor(logic)(data, (context ?? {}) as Record<string, unknown>)

/** Static check: compiling reports unknown operators, wrong arity and over-deep expressions. */
export function ruleEngineCheck(logic: JsonLogic): string | null {
  try {
    compileCondition(logic)
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}
