import * as ruleEngine from '@trellis/rule-engine'
import { FormEngineError, appIssue } from './errors.js'
import type { CompiledCondition, ConditionIssue, RuleEnginePort, SqlScope } from './condition-types.js'

// Read through a namespace object so this package type-checks whichever exports the rule engine has today;
// the functions are looked up when called, not when imported.
const port = ruleEngine as unknown as Partial<RuleEnginePort>

export function compileLogic(logic: unknown): CompiledCondition {
  if (typeof port.compileCondition !== 'function')
    throw new FormEngineError([appIssue('', 'rule_engine.unavailable')])
  return port.compileCondition(logic)
}

/** JsonLogic truthiness: an empty array is false, everything else follows JavaScript. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0
  return Boolean(value)
}

/**
 * Checks a condition against the fields it may reference. Uses the rule engine's validator; until that
 * exists, falls back to checking `var` references, which is the check forms depend on most.
 */
export function checkCondition(logic: unknown, scope: SqlScope): ConditionIssue[] {
  if (typeof port.validateCondition === 'function') return port.validateCondition(logic, scope)
  const issues: ConditionIssue[] = []
  for (const { name, path } of varReferences(logic, '')) {
    const root = name.split('.')[0] ?? ''
    if (root === '' || root.startsWith('$') || root in scope.fields) continue
    issues.push({ ...appIssue(path, 'condition.unknown_field', { field: name }) })
  }
  if (typeof port.compileCondition === 'function') {
    try {
      port.compileCondition(logic)
    } catch (error) {
      issues.push(appIssue('', 'condition.invalid', { detail: (error as Error).message }))
    }
  }
  return issues
}

function varReferences(logic: unknown, path: string): { name: string; path: string }[] {
  if (Array.isArray(logic)) return logic.flatMap((item, i) => varReferences(item, join(path, String(i))))
  if (logic === null || typeof logic !== 'object') return []
  const entries = Object.entries(logic)
  if (entries.length !== 1) return []
  const [operator, args] = entries[0]!
  if (operator === 'var') {
    const name = Array.isArray(args) ? args[0] : args
    if (typeof name === 'string') return [{ name, path: join(path, 'var') }]
    if (typeof name === 'number') return [{ name: String(name), path: join(path, 'var') }]
    return []
  }
  // Inside map/filter/all/some/none/reduce the second argument's `var`s address the current item, not the record.
  if (['map', 'filter', 'all', 'some', 'none', 'reduce'].includes(operator) && Array.isArray(args)) {
    return varReferences(args[0], join(path, `${operator}.0`))
  }
  return varReferences(args, join(path, operator))
}

function join(path: string, segment: string): string {
  return path ? `${path}.${segment}` : segment
}
