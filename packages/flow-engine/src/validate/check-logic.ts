// The default static check of a JsonLogic value, used when the host gives validateFlow nothing better.
// It catches the shapes a designer can produce by mistake; operator names and arity are rule-engine's
// business: its compiler checks them, or, when the caller supplied its own evaluator, a trial run on
// empty data does.
import { ruleEngineCheck, type ConditionEvaluator } from '../conditions'

function shapeProblem(logic: unknown, path: string): string | null {
  if (logic === undefined) return `${path || 'condition'} is undefined`
  if (typeof logic === 'function' || typeof logic === 'symbol' || typeof logic === 'bigint')
    return `${path || 'condition'} is not JSON`
  if (typeof logic === 'number' && !Number.isFinite(logic))
    return `${path || 'condition'} is not a finite number`
  if (Array.isArray(logic)) {
    for (const [i, item] of logic.entries()) {
      const problem = shapeProblem(item, `${path}[${i}]`)
      if (problem) return problem
    }
    return null
  }
  if (logic !== null && typeof logic === 'object') {
    const keys = Object.keys(logic)
    if (keys.length !== 1)
      return `${path || 'condition'}: a JsonLogic operation has exactly one operator, found ${keys.length}`
    return shapeProblem((logic as Record<string, unknown>)[keys[0]!], `${path}.${keys[0]}`)
  }
  return null
}

export function defaultCheckLogic(evaluator?: ConditionEvaluator): (logic: unknown) => string | null {
  return (logic) => {
    const problem = shapeProblem(logic, '')
    if (problem) return problem
    if (!evaluator) return ruleEngineCheck(logic)
    try {
      evaluator(logic, {}, {})
      return null
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      // Only unknown operators are definite; other throws may come from the empty sample data.
      return /unrecognized|unknown|unsupported|not supported/i.test(message) ? message : null
    }
  }
}
