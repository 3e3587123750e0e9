import type { AppDefinition } from '@trellis/form-engine'
import { compilePivot, ReportError, type PivotSpec, type RelatedSpec } from '@trellis/report-engine'
import type { ConditionContext, Rule, RuleIssue } from '@trellis/rule-engine'
import { CompiledQuery } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'

/**
 * Aggregates over related records that a rule declares beside its condition, in the report engine's
 * `related` shape: `{ recent: { form: 'orders', via: 'customer', filter, values: { count: { agg: 'count' } } } }`.
 * The server computes them for the triggering records (one statement per batch, compiled by the report
 * engine from the app's column plans, values as parameters) and binds each as a context variable: the
 * condition and the actions read `{"var": "$recent.count"}`.
 */
export type RuleAggregates = Record<string, RelatedSpec>

export type AggregateValues = Record<string, Record<string, unknown>>

/** Context names a rule already has; an aggregate may not hide them. */
const reserved = new Set(['before', 'after', 'changed', 'now', 'user', 'timeZone', 'today'])
const NAME = /^[a-z][a-z0-9_]{0,40}$/

export function aggregatesOf(rule: Rule): RuleAggregates | undefined {
  const aggregates = (rule as Rule & { aggregates?: unknown }).aggregates
  if (!aggregates || typeof aggregates !== 'object' || Array.isArray(aggregates)) return undefined
  return Object.keys(aggregates).length ? (aggregates as RuleAggregates) : undefined
}

const formOf = (rule: Rule): string | undefined =>
  rule?.trigger && 'form' in rule.trigger ? rule.trigger.form : undefined

/** The one-statement pivot: one row per record id, one measure per aggregate value. */
function aggregateSpec(form: string, aggregates: RuleAggregates, ids: readonly string[]) {
  const related: Record<string, RelatedSpec> = {}
  const measures: PivotSpec['measures'] = []
  const columns: Array<{ name: string; value: string }> = []
  for (const [name, spec] of Object.entries(aggregates)) {
    // Only the batch's related records are aggregated (the relation column is indexed).
    const batch = { in: [{ var: spec?.via }, ids] }
    related[name] = { ...spec, filter: spec?.filter === undefined ? batch : { and: [spec.filter, batch] } }
    for (const value of Object.keys(spec?.values ?? {})) {
      measures.push({ key: `m${measures.length}`, agg: 'max', field: `${name}.${value}` })
      columns.push({ name, value })
    }
  }
  const spec: PivotSpec = {
    source: form,
    related,
    filter: { in: [{ var: 'id' }, ids] },
    rows: [{ field: 'id' }],
    measures,
  }
  return { spec, columns }
}

/** Every problem of a rule's `aggregates`, with paths inside the rule (`aggregates.recent.filter`). */
export function aggregateIssues(rule: Rule, app: AppDefinition): RuleIssue[] {
  const raw = (rule as Rule & { aggregates?: unknown })?.aggregates
  if (raw === undefined) return []
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return [{ code: 'INVALID', message: 'aggregates is an object of named aggregates', path: 'aggregates' }]
  const issues: RuleIssue[] = []
  const form = formOf(rule)
  if (!form) {
    issues.push({
      code: 'NEEDS_RECORD',
      message: 'Aggregates are computed per record: the trigger needs a form',
      path: 'aggregates',
    })
    return issues
  }
  for (const name of Object.keys(raw)) {
    if (!NAME.test(name) || reserved.has(name))
      issues.push({
        code: 'BAD_KEY',
        message: `"${name}" is not a usable aggregate name (lower-case letters, digits and _; not ${[...reserved].join(', ')})`,
        path: `aggregates.${name}`,
      })
  }
  if (issues.length || !app.forms.some((f) => f.key === form)) return issues
  try {
    compilePivot(aggregateSpec(form, raw as RuleAggregates, ['0']).spec, { app, dbSchema: 'app_check' })
  } catch (error) {
    if (!(error instanceof ReportError)) throw error
    const path = error.path.startsWith('related.') ? `aggregates.${error.path.slice(8)}` : 'aggregates'
    issues.push({ code: error.code.toUpperCase(), message: error.message, path })
  }
  issues.push(...unknownReads(rule, raw as RuleAggregates))
  return issues
}

/**
 * A rule's issues from the rule engine, adjusted for its aggregates: its condition is evaluated in JS once
 * they are computed (never as SQL, even on a schedule), so SQL-only limits do not apply; the aggregates'
 * own problems are added. `prefix` is where the rule sits in the issue paths (`rules.3`).
 */
export function adjustIssues(rule: Rule, app: AppDefinition, issues: RuleIssue[], prefix = ''): RuleIssue[] {
  const at = prefix ? `${prefix}.` : ''
  const own = aggregateIssues(rule, app).map((issue) => ({ ...issue, path: `${at}${issue.path}` }))
  if (!aggregatesOf(rule)) return [...issues, ...own]
  const sqlOnly = (issue: RuleIssue) =>
    issue.code === 'unsupported_in_sql' && issue.path.startsWith(`${at}condition`)
  return [...issues.filter((issue) => !sqlOnly(issue)), ...own]
}

/** `$name.value` reads (in the condition and the actions) of an aggregate that has no such value. */
function unknownReads(rule: Rule, aggregates: RuleAggregates): RuleIssue[] {
  const issues: RuleIssue[] = []
  const visit = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}.${i}`))
    if (!node || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (key === 'var') {
        const name = Array.isArray(value) ? value[0] : value
        if (typeof name === 'string' && name.startsWith('$')) {
          const [head, field] = name.slice(1).split('.')
          const spec = Object.prototype.hasOwnProperty.call(aggregates, head!) ? aggregates[head!] : undefined
          if (spec && (field === undefined || !Object.prototype.hasOwnProperty.call(spec.values, field)))
            issues.push({
              code: 'UNKNOWN_AGGREGATE_VALUE',
              message: `Aggregate ${head} has no value "${field ?? ''}" (it has ${Object.keys(spec.values).join(', ')})`,
              path: `${path}.var`,
            })
        }
      }
      visit(value, `${path}.${key}`)
    }
  }
  if (rule.condition !== undefined) visit(rule.condition, 'condition')
  visit(rule.actions, 'actions')
  return issues
}

function jsonValue(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (type === 'number' || type === 'decimal') return Number(value)
  return value
}

/**
 * The rule's aggregates for a batch of records of its form, by record id: one SQL statement whatever the
 * number of aggregates and records. Records without related rows get zero counts and null sums.
 */
export async function computeAggregates(
  db: DynamicDb,
  app: PublishedApp,
  rule: Rule,
  ids: readonly string[],
  context: ConditionContext,
): Promise<Map<string, AggregateValues>> {
  const out = new Map<string, AggregateValues>()
  const aggregates = aggregatesOf(rule)
  const form = formOf(rule)
  if (!aggregates || !form || !ids.length) return out
  const { spec, columns } = aggregateSpec(form, aggregates, ids)
  const compiled = compilePivot(
    spec,
    {
      app: app.definition,
      dbSchema: app.schema,
      ...(context.timeZone ? { timeZone: context.timeZone } : {}),
    },
    { ...(context.now ? { now: new Date(context.now) } : {}) },
  )
  const { rows } = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(compiled.sql, [...compiled.parameters]),
  )
  for (const row of rows) {
    if (row.d0 === null || row.d0 === undefined) continue
    const values: AggregateValues = {}
    columns.forEach(({ name, value }, i) => {
      values[name] ??= {}
      values[name][value] = jsonValue(row[`m${i}`], compiled.meta.measures[i]?.fieldType)
    })
    out.set(String(row.d0), values)
  }
  return out
}

/** The context a rule's condition and actions see for one record: its aggregates as `$name.value`. */
export function withAggregates(
  context: ConditionContext,
  values: AggregateValues | undefined,
): ConditionContext {
  return values ? { ...context, ...values } : context
}

/** Aggregates computed once per claimed batch and rule: the first job of a rule asks for all of them. */
export class AggregateBatch {
  private readonly computed = new Map<string, Promise<Map<string, AggregateValues>>>()

  constructor(
    private readonly db: DynamicDb,
    private readonly idsByRule: ReadonlyMap<string, readonly string[]>,
  ) {}

  static of(
    db: DynamicDb,
    jobs: ReadonlyArray<{ app_key: string; rule_key: string; record_id: string | null }>,
  ) {
    const ids = new Map<string, string[]>()
    for (const job of jobs) {
      if (job.record_id === null) continue
      const key = `${job.app_key}/${job.rule_key}`
      if (!ids.has(key)) ids.set(key, [])
      ids.get(key)!.push(String(job.record_id))
    }
    return new AggregateBatch(db, ids)
  }

  async get(
    app: PublishedApp,
    rule: Rule,
    recordId: string,
    context: ConditionContext,
  ): Promise<AggregateValues | undefined> {
    const key = `${app.key}/${rule.key}`
    const batch = this.idsByRule.get(key) ?? []
    let pending = batch.includes(recordId) ? this.computed.get(key) : undefined
    if (!pending) {
      pending = computeAggregates(this.db, app, rule, batch.includes(recordId) ? batch : [recordId], context)
      if (batch.includes(recordId)) this.computed.set(key, pending)
    }
    return (await pending).get(recordId)
  }
}
