import { compileCondition } from '../js/compile-condition.js'
import { truthy } from '../js/truthy.js'
import type { CompiledCondition, ConditionContext, JsonLogic } from '../types.js'
import type { PlanInput, PlannedEffect } from './actions/action.js'
import { actionModule } from './actions/registry.js'
import type { Rule } from './types.js'

const compiled = new WeakMap<object, CompiledCondition>()

/** Evaluates a condition or value expression, compiling each JsonLogic object once. */
export function evaluate(logic: JsonLogic, data: unknown, context: ConditionContext = {}): unknown {
  if (logic === null || typeof logic !== 'object') return logic
  let fn = compiled.get(logic)
  if (!fn) {
    fn = compileCondition(logic, { timeZone: context.timeZone })
    compiled.set(logic, fn)
  }
  return fn(data, context)
}

/** JsonLogic truthiness of the rule's condition; a rule without one always passes. */
export function conditionHolds(rule: Rule, data: unknown, context: ConditionContext = {}): boolean {
  if (rule.condition === undefined || rule.condition === null) return true
  return truthy(evaluate(rule.condition, data, context))
}

export interface PlannedAction {
  index: number
  type: string
  effect: PlannedEffect
}

/**
 * What each action would do, in order: a later action sees the record as the earlier ones left it
 * (set a tier, then message "{{tier}}"). Pure: a dry run shows exactly this, a real run carries it out.
 */
export function planActions(
  rule: Rule,
  record: Record<string, unknown>,
  context: ConditionContext = {},
): PlannedAction[] {
  let current = { ...record }
  return rule.actions.map((action, index) => {
    const module = actionModule(action.type)
    if (!module) throw new Error(`Unknown action ${action.type}`)
    const input: PlanInput = { record: current, context, evaluate }
    const effect = module.plan(action as never, input)
    if (effect.kind === 'update_record') current = { ...current, ...effect.values }
    return { index, type: action.type, effect }
  })
}
