import type { TFunction } from 'i18next'
import type { RuleIssue } from '@trellis/rule-engine'

/**
 * The rule engine's problems name a stable code and the dotted path of the offending part of the rule
 * (`trigger.fields.0`, `actions.2.values.tier`, `condition.and.1.==.0`), with an English message for logs.
 * The designer shows them in the user's language: each known code has a message in the rules catalog
 * (`rules.issue.code.<CODE>`), whose `{{name}}` is read from the rule at that path; unknown codes keep the
 * engine's message.
 */
export interface IssueText {
  /** Where in the rule: the trigger, the condition, action 3, … */
  place: string
  message: string
}

export function issueText(issue: RuleIssue, rule: unknown, t: TFunction): IssueText {
  const key = `rules.issue.code.${issue.code}`
  const message = t(key, { name: issueSubject(issue, rule), defaultValue: '' })
  return { place: issuePlace(issue.path, t), message: message || issue.message }
}

/** The part of the rule a path starts in, in words. */
export function issuePlace(path: string, t: TFunction): string {
  const [head, index] = path.split('.')
  if (head === 'actions' && index !== undefined && /^\d+$/.test(index))
    return t('rules.issue.place.action', { n: Number(index) + 1 })
  if (
    head === 'trigger' ||
    head === 'condition' ||
    head === 'actions' ||
    head === 'key' ||
    head === 'each' ||
    head === 'aggregates'
  )
    return t(`rules.issue.place.${head}`)
  return t('rules.issueRule')
}

/**
 * What the problem is about, read from the rule: the value at the path when it is a name (a form or field
 * key), the field a `var` reads or the operator of a condition node, else the path's last step (the missing
 * or read-only key in `required` and `values.<key>` problems).
 */
export function issueSubject(issue: RuleIssue, rule: unknown): string {
  // A template's path holds the whole text; the variable it lacks is only in the message.
  if (issue.code === 'UNKNOWN_VARIABLE') return /\{\{\s*([^}\s]+)\s*\}\}/.exec(issue.message)?.[1] ?? ''
  const steps = issue.path ? issue.path.split('.') : []
  const at = valueAt(rule, steps)
  if (typeof at === 'string' || typeof at === 'number') return String(at)
  if (at && typeof at === 'object' && !Array.isArray(at)) {
    const keys = Object.keys(at)
    if (keys.length === 1) {
      const op = keys[0]!
      if (op !== 'var') return op
      const arg = (at as Record<string, unknown>).var
      const name = Array.isArray(arg) ? arg[0] : arg
      if (typeof name === 'string' || typeof name === 'number') return String(name)
    }
  }
  return steps[steps.length - 1] ?? ''
}

function valueAt(value: unknown, steps: readonly string[]): unknown {
  let current = value
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined
    current = Array.isArray(current) ? current[Number(step)] : (current as Record<string, unknown>)[step]
  }
  return current
}
