import type { JsonLogic } from '../types.js'
import { fieldOf } from './actions/action.js'
import { schemaIssues } from './schema-check.js'
import { templateVariables } from './template.js'
import type { Rule, RuleAppView, RuleEach, RuleFormView, RuleIssue, Trigger } from './types.js'

/** Context names every rule already has; neither an aggregate nor an `each` record may hide them. */
export const reservedContextNames: ReadonlySet<string> = new Set([
  'before',
  'after',
  'changed',
  'now',
  'user',
  'timeZone',
  'today',
])

const NAME = /^[a-z][a-z0-9_]{0,40}$/
/** Fields every record has besides its form's. */
const systemKeys = new Set(['id', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by'])

const eachSchema = {
  type: 'object',
  required: ['form', 'as'],
  additionalProperties: false,
  properties: { form: { type: 'string', minLength: 1 }, filter: {}, as: { type: 'string' } },
}

/** The rule's `each`, when it has one (an object: the shape is checked by validation). */
export function eachOf(rule: Rule): RuleEach | undefined {
  const each = (rule as { each?: unknown } | null)?.each
  return each && typeof each === 'object' && !Array.isArray(each) ? (each as RuleEach) : undefined
}

/** Names of a rule's aggregates (declared beside the condition, computed by the server). */
export function aggregateNames(rule: unknown): string[] {
  const aggregates = (rule as { aggregates?: unknown } | null)?.aggregates
  return aggregates && typeof aggregates === 'object' && !Array.isArray(aggregates)
    ? Object.keys(aggregates)
    : []
}

/**
 * Problems of a rule's `each`: its shape, a trigger that cannot fan out over records (only a schedule over a
 * form can: record and date triggers already run for one record, and a manual run picks its records), an
 * unknown form, a filter that does not compile to SQL over that form, a name that hides another context
 * variable or an aggregate, and `$<as>.<field>` reads of fields the form does not have.
 */
export function eachIssues(
  rule: Partial<Rule>,
  app: RuleAppView,
  checkFilter: (logic: JsonLogic, path: string, form: RuleFormView) => RuleIssue[],
): RuleIssue[] {
  if (rule.each === undefined) return []
  const shape = schemaIssues(eachSchema, rule.each, 'each')
  if (shape.length) return shape
  const each = rule.each
  const issues: RuleIssue[] = []
  const trigger = rule.trigger as Trigger | undefined
  if (trigger?.kind !== 'cron' || !trigger.form)
    issues.push({
      code: 'EACH_NEEDS_SCHEDULE',
      message: 'each runs the rule once per record on a schedule over a form: use a cron trigger with a form',
      path: 'each',
    })
  if (!NAME.test(each.as))
    issues.push({
      code: 'BAD_EACH_NAME',
      message: `"${each.as}" is not a usable name (lower-case letters, digits and _, starting with a letter)`,
      path: 'each.as',
    })
  else if (reservedContextNames.has(each.as) || aggregateNames(rule).includes(each.as))
    issues.push({
      code: 'EACH_NAME_TAKEN',
      message: `"${each.as}" is already a context name of this rule (${[...reservedContextNames, ...aggregateNames(rule)].join(', ')})`,
      path: 'each.as',
    })
  const form = app.forms.find((f) => f.key === each.form && !f.archived)
  if (!form) {
    issues.push({ code: 'UNKNOWN_FORM', message: `The app has no form "${each.form}"`, path: 'each.form' })
    return issues
  }
  if (each.filter !== undefined) issues.push(...checkFilter(each.filter, 'each.filter', form))
  issues.push(...unknownEachReads(rule, each.as, form))
  return issues
}

/** `{"var": "$pair.x"}` and `{{$pair.x}}` reads, anywhere in the condition, aggregates and actions. */
function unknownEachReads(rule: Partial<Rule>, name: string, form: RuleFormView): RuleIssue[] {
  const issues: RuleIssue[] = []
  const check = (variable: string, path: string, template: boolean) => {
    const [head, field] = variable.split('.')
    if (head !== `$${name}` || field === undefined) return
    if (systemKeys.has(field) || fieldOf(form, field)) return
    issues.push({
      code: template ? 'UNKNOWN_VARIABLE' : 'UNKNOWN_EACH_FIELD',
      message: template
        ? `The template reads {{${variable}}}, which form ${form.key} does not have`
        : `${variable}: form ${form.key} has no field "${field}"`,
      path,
    })
  }
  const visit = (node: unknown, path: string, inActions: boolean) => {
    if (typeof node === 'string') {
      if (inActions) for (const v of templateVariables(node)) check(v, path, true)
      return
    }
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}.${i}`, inActions))
    if (!node || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (key === 'var') {
        const variable = Array.isArray(value) ? value[0] : value
        if (typeof variable === 'string') check(variable, `${path}.var`, false)
      }
      visit(value, `${path}.${key}`, inActions)
    }
  }
  if (rule.condition !== undefined) visit(rule.condition, 'condition', false)
  const aggregates = (rule as { aggregates?: unknown }).aggregates
  if (aggregates !== undefined) visit(aggregates, 'aggregates', false)
  if (Array.isArray(rule.actions)) visit(rule.actions, 'actions', true)
  return issues
}

/**
 * `logic` with every read of `$<name>.<field>` replaced by that field's value in `record`, as a literal: what a
 * compiler that does not know the context (a report's measure filter) then binds as a parameter like any
 * other constant. Object values (JSON fields) are left as reads: as literals they would parse as operators.
 */
export function bindContextReads(logic: unknown, name: string, record: Record<string, unknown>): unknown {
  const prefix = `$${name}.`
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit)
    if (!node || typeof node !== 'object') return node
    const entries = Object.entries(node)
    if (entries.length === 1 && entries[0]![0] === 'var') {
      const arg = entries[0]![1]
      const path = Array.isArray(arg) ? arg[0] : arg
      if (typeof path === 'string' && path.startsWith(prefix)) {
        let value: unknown = record
        for (const part of path.slice(prefix.length).split('.'))
          value =
            value && typeof value === 'object' && Object.hasOwn(value, part)
              ? (value as Record<string, unknown>)[part]
              : undefined
        if (value instanceof Date) value = value.toISOString()
        if (value === undefined && Array.isArray(arg) && arg.length > 1) return visit(arg[1])
        if (value === undefined || value === null) return null
        if (typeof value !== 'object') return value
        if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value
        return node
      }
    }
    return Object.fromEntries(entries.map(([key, value]) => [key, visit(value)]))
  }
  return visit(logic)
}
