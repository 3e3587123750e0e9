// Conditions are JsonLogic, evaluated by @trellis/rule-engine. The evaluator is also an option of
// `advance`, so a host (or a test) can supply its own compiled cache or a stricter variant.
import type { JsonLogic } from './types'

export type ConditionEvaluator = (logic: JsonLogic, data: unknown, context?: unknown) => unknown

export const missingEvaluator: ConditionEvaluator = () => {
  throw new Error('no condition evaluator: @trellis/rule-engine is not available')
}
