import { compileCondition, validateCondition } from '@trellis/rule-engine'
import { appIssue, type AppIssue } from './errors.js'
import type { CompiledCondition, ConditionIssue, SqlScope } from './condition-types.js'
import type { FormConditionScope } from './condition-scope.js'

export function compileLogic(logic: unknown): CompiledCondition {
  return compileCondition(logic)
}

/** JsonLogic truthiness: an empty array is false, everything else follows JavaScript. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0
  return Boolean(value)
}

/**
 * Where a condition runs. `js` conditions (formulas, visibleWhen, requiredWhen) are evaluated with
 * compileCondition only, so operators outside the SQL subset are fine there; `sql` conditions (rollup
 * `where`) must compile through conditionToSql.
 */
export type ConditionTarget = 'js' | 'sql'

/** Checks a condition against the fields it may reference; issue paths are relative to the condition. */
export function checkCondition(
  logic: unknown,
  scope: FormConditionScope,
  target: ConditionTarget,
): AppIssue[] {
  const issues: AppIssue[] = []
  try {
    compileCondition(logic)
  } catch (error) {
    return [fromRuleIssue(logic, toRuleIssue(error))]
  }
  for (const issue of validateCondition(logic, scope as SqlScope)) {
    if (target === 'js' && issue.code === 'unsupported_in_sql') continue
    issues.push(fromRuleIssue(logic, issue))
  }
  // The rule engine stops descending at an operator SQL lacks (and may report one issue per branch), yet a
  // formula like {"cat": [{"var": "nickname"}]} still names fields; check every reference.
  const reported = new Set(issues.map((issue) => issue.path))
  for (const { name, path } of varReferences(logic, '')) {
    const root = name.split('.')[0] ?? ''
    if (root === '' || root.startsWith('$') || root in scope.fields) continue
    if (reported.has(path)) continue
    issues.push(appIssue(path, 'condition.unknown_field', { field: name }))
  }
  return issues
}

function toRuleIssue(error: unknown): ConditionIssue {
  const { code, path, message } = error as { code?: unknown; path?: unknown; message?: unknown }
  return {
    code: typeof code === 'string' ? code : 'invalid',
    path: typeof path === 'string' ? path : '',
    message: typeof message === 'string' ? message : String(error),
  }
}

/** Rule-engine issues in this package's terms: `condition.*` codes the form catalogs can localize. */
function fromRuleIssue(logic: unknown, issue: ConditionIssue): AppIssue {
  if (issue.code === 'unknown_field') {
    const node = nodeAt(logic, issue.path) as { var?: unknown } | undefined
    const name = Array.isArray(node?.var) ? node.var[0] : node?.var
    if (typeof name === 'string') return appIssue(issue.path, 'condition.unknown_field', { field: name })
  }
  return { ...appIssue(issue.path, 'condition.invalid', { detail: issue.message, ruleCode: issue.code }) }
}

function nodeAt(logic: unknown, path: string): unknown {
  let node = logic
  for (const segment of path === '' ? [] : path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[segment]
  }
  return node
}

function varReferences(logic: unknown, path: string): { name: string; path: string }[] {
  if (Array.isArray(logic)) return logic.flatMap((item, i) => varReferences(item, join(path, String(i))))
  if (logic === null || typeof logic !== 'object') return []
  const entries = Object.entries(logic)
  if (entries.length !== 1) return []
  const [operator, args] = entries[0]!
  if (operator === 'var') {
    const name = Array.isArray(args) ? args[0] : args
    if (typeof name === 'string' || typeof name === 'number') return [{ name: String(name), path }]
    return []
  }
  // Inside map/filter/all/some/none/reduce the later arguments' `var`s address the current item, not the record.
  if (['map', 'filter', 'all', 'some', 'none', 'reduce'].includes(operator) && Array.isArray(args)) {
    return varReferences(args[0], join(path, `${operator}.0`))
  }
  return varReferences(args, join(path, operator))
}

function join(path: string, segment: string): string {
  return path ? `${path}.${segment}` : segment
}
