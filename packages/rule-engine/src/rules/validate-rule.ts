import { compileCondition } from '../js/compile-condition.js'
import { ConditionError } from '../errors.js'
import { validateCondition } from '../sql/condition-to-sql.js'
import type { JsonLogic, SqlScope } from '../types.js'
import { fieldOf, type CheckContext } from './actions/action.js'
import { actionModule, actionTypes } from './actions/registry.js'
import { cronProblem, defaultRuleTimeZone } from './cron-trigger.js'
import { aggregateNames, eachIssues, eachOf, reservedContextNames } from './each.js'
import { schemaIssues } from './schema-check.js'
import { triggerSchemas } from './trigger-schemas.js'
import type { Rule, RuleAppView, RuleFormView, RuleIssue, Trigger } from './types.js'

export interface ValidateRuleOptions {
  /**
   * The condition scope of a form (form-engine's `toConditionScope`). With it, conditions and
   * expressions are checked field by field as SQL would compile them; without it, only as JS.
   */
  scopeOf?: (form: string) => SqlScope | undefined
}

const RULE_KEY = /^[a-z][a-z0-9_]{0,62}$/

/** Every problem of one rule, each with its dotted path inside the rule; empty when the rule is usable. */
export function validateRule(
  rule: unknown,
  app: RuleAppView,
  options: ValidateRuleOptions = {},
): RuleIssue[] {
  if (!rule || typeof rule !== 'object' || Array.isArray(rule))
    return [{ code: 'INVALID', message: 'A rule is an object', path: '' }]
  const r = rule as Partial<Rule>
  const issues: RuleIssue[] = []
  if (typeof r.key !== 'string' || !RULE_KEY.test(r.key))
    issues.push({
      code: 'BAD_KEY',
      message: 'The key is lower-case letters, digits and _, starting with a letter',
      path: 'key',
    })
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean')
    issues.push({ code: 'INVALID', message: 'enabled is true or false', path: 'enabled' })
  const form = checkTrigger(r.trigger, app, issues)
  // Only a condition that selects records (manual runs, schedules over a form, dry runs) must compile to
  // SQL; everything else is evaluated in JS, where every operator works.
  const checkExpression = expressionChecker(form, options, false)
  const kind = (r.trigger as Trigger | undefined)?.kind
  const conditionNeedsSql = kind === 'manual' || kind === 'cron'
  if (r.condition !== undefined)
    issues.push(...expressionChecker(form, options, conditionNeedsSql)(r.condition, 'condition'))
  // The filter selects the records in SQL at run time.
  issues.push(
    ...eachIssues(r, app, (logic, path, target) => expressionChecker(target, options, true)(logic, path)),
  )
  const each = eachOf(r as Rule)
  if (!Array.isArray(r.actions) || r.actions.length === 0) {
    issues.push({ code: 'NO_ACTIONS', message: 'A rule needs at least one action', path: 'actions' })
  } else {
    const ctx: CheckContext = {
      app,
      ...(typeof r.key === 'string' ? { rule: r.key } : {}),
      form,
      checkExpression: (logic, path, f) => checkExpression(logic, path, f),
      contextNames: new Set([
        ...reservedContextNames,
        ...aggregateNames(r),
        ...(typeof each?.as === 'string' ? [each.as] : []),
      ]),
    }
    r.actions.forEach((action, i) => issues.push(...checkAction(action, i, ctx, r.trigger)))
  }
  return issues
}

/** All rules of an app: each rule's issues under `rules.<i>.`, and duplicate keys. */
export function validateRules(
  rules: unknown,
  app: RuleAppView,
  options: ValidateRuleOptions = {},
): RuleIssue[] {
  if (rules === undefined) return []
  if (!Array.isArray(rules)) return [{ code: 'INVALID', message: 'rules is a list', path: 'rules' }]
  const seen = new Set<string>()
  return rules.flatMap((rule, i) => {
    const issues = validateRule(rule, app, options).map((issue) => ({
      ...issue,
      path: join(`rules.${i}`, issue.path),
    }))
    const key = (rule as Rule | null)?.key
    if (typeof key === 'string' && seen.has(key))
      issues.push({
        code: 'DUPLICATE_RULE_KEY',
        message: `Another rule already has the key "${key}"`,
        path: `rules.${i}.key`,
      })
    if (typeof key === 'string') seen.add(key)
    return issues
  })
}

function checkTrigger(trigger: unknown, app: RuleAppView, issues: RuleIssue[]): RuleFormView | undefined {
  const kind = (trigger as Trigger | undefined)?.kind
  const schema = typeof kind === 'string' ? triggerSchemas[kind] : undefined
  if (!schema) {
    issues.push({
      code: 'BAD_TRIGGER',
      message: `trigger.kind is one of ${Object.keys(triggerSchemas).join(', ')}`,
      path: 'trigger.kind',
    })
    return undefined
  }
  const shape = schemaIssues(schema, trigger, 'trigger')
  issues.push(...shape)
  if (shape.length) return undefined
  const t = trigger as Trigger
  const formKey = 'form' in t ? t.form : undefined
  const form = formKey === undefined ? undefined : app.forms.find((f) => f.key === formKey && !f.archived)
  if (formKey !== undefined && !form) {
    issues.push({ code: 'UNKNOWN_FORM', message: `The app has no form "${formKey}"`, path: 'trigger.form' })
    return undefined
  }
  if (t.kind === 'record') {
    t.fields?.forEach((key, i) => {
      if (!fieldOf(form, key))
        issues.push({
          code: 'UNKNOWN_FIELD',
          message: `Form ${formKey} has no field "${key}"`,
          path: `trigger.fields.${i}`,
        })
    })
  } else if (t.kind === 'date') {
    const field = fieldOf(form, t.field)
    if (!field)
      issues.push({
        code: 'UNKNOWN_FIELD',
        message: `Form ${formKey} has no field "${t.field}"`,
        path: 'trigger.field',
      })
    else if (!isDateLike(field))
      issues.push({
        code: 'NOT_A_DATE_FIELD',
        message: `${t.field} is ${field.type}, not a date, datetime or date rollup`,
        path: 'trigger.field',
      })
    if (t.unit === 'hours' && t.yearly)
      issues.push({ code: 'INVALID', message: 'A yearly trigger counts in days', path: 'trigger.unit' })
  } else if (t.kind === 'cron') {
    const zone = t.timeZone ?? app.timeZone ?? defaultRuleTimeZone
    if (!validZone(zone))
      issues.push({ code: 'BAD_TIME_ZONE', message: `Unknown time zone ${zone}`, path: 'trigger.timeZone' })
    else {
      const problem = cronProblem(t.cron, zone)
      if (problem) issues.push({ code: 'BAD_CRON', message: problem, path: 'trigger.cron' })
    }
  }
  return form
}

function isDateLike(field: { type: string; rollup?: { aggregate?: string } }): boolean {
  if (field.type === 'date' || field.type === 'datetime') return true
  return field.type === 'rollup' && (field.rollup?.aggregate === 'max' || field.rollup?.aggregate === 'min')
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

function checkAction(action: unknown, index: number, ctx: CheckContext, trigger: unknown): RuleIssue[] {
  const path = `actions.${index}`
  const type = (action as { type?: unknown } | null)?.type
  const module = typeof type === 'string' ? actionModule(type) : undefined
  if (!module)
    return [
      {
        code: 'UNKNOWN_ACTION',
        message: `actions.${index}.type is one of ${actionTypes().join(', ')}`,
        path: `${path}.type`,
      },
    ]
  const shape = schemaIssues(module.configSchema, action, path)
  if (shape.length) return shape
  const t = trigger as Trigger | undefined
  if (module.needsRecord && t?.kind === 'record' && t.on.length === 1 && t.on[0] === 'deleted') {
    return [
      {
        code: 'RECORD_DELETED',
        message: `${module.type} cannot change a record that was just deleted`,
        path: `${path}.type`,
      },
    ]
  }
  if (module.needsRecord && !ctx.form) {
    const kind = (trigger as Trigger | undefined)?.kind
    return [
      {
        code: 'NEEDS_RECORD',
        message: `${module.type} needs a record; this ${kind ?? ''} trigger has no form`,
        path: `${path}.type`,
      },
    ]
  }
  return module.check(action as never, ctx).map((issue) => ({ ...issue, path: join(path, issue.path) }))
}

function expressionChecker(form: RuleFormView | undefined, options: ValidateRuleOptions, needsSql: boolean) {
  return (logic: JsonLogic, path: string, target: RuleFormView | undefined = form): RuleIssue[] => {
    // Literals are values, not expressions.
    if (logic === null || typeof logic !== 'object') return []
    const scope = target ? options.scopeOf?.(target.key) : undefined
    if (scope) {
      return validateCondition(logic, scope)
        .filter((issue) => !isContextVariable(issue) && (needsSql || issue.code !== 'unsupported_in_sql'))
        .map((issue) => ({ code: issue.code, message: issue.message, path: join(path, issue.path) }))
    }
    try {
      compileCondition(logic)
      return []
    } catch (error) {
      if (error instanceof ConditionError)
        return [{ code: error.code, message: error.message, path: join(path, error.path) }]
      throw error
    }
  }
}

// `$before`, `$after` and `$changed` exist only for record events, so SQL validation may not know them.
function isContextVariable(issue: { message: string }): boolean {
  return /\$(before|after|changed)\b/.test(issue.message)
}

function join(prefix: string, path: string): string {
  return path ? `${prefix}.${path}` : prefix
}
