import type { AppDefinition } from '@trellis/form-engine'
import { compilePivot, ReportError, type PivotSpec, type RelatedSpec } from '@trellis/report-engine'
import {
  bindContextReads,
  conditionHolds,
  eachOf,
  type ConditionContext,
  type Rule,
  type RuleIssue,
} from '@trellis/rule-engine'
import { CompiledQuery } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { RecordReader, type ListResult } from '../records/record-reader.js'

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

interface Statement {
  spec: PivotSpec
  /** Measure `m<i>` is value `value` of aggregate `name`. */
  columns: Array<{ name: string; value: string }>
  /** The aggregate the statement computes alone (a relation path), for error paths. */
  only?: string
}

const isPath = (via: unknown): via is string => typeof via === 'string' && via.includes('.')

/**
 * The statements computing a rule's aggregates for a batch, each giving one row per record id (`d0`):
 * - every aggregate whose `via` is a relation of its form to the trigger's form, in one statement (a
 *   pre-aggregated subquery per aggregate, the report engine's `related`);
 * - those whose `via` is a path of relations (`order.customer`: order lines through their order), in a statement
 *   per related form and path, grouped by that path; their filters and values may read through many-to-one
 *   relations too (`product.consumable`, `order.ordered_at`). With `merge`, aggregates sharing a form and path
 *   share one statement, each value aggregating only its own rows (`FILTER (WHERE …)`); validation keeps them
 *   apart, so that an error names its aggregate.
 * Both restrict the related rows to the batch's ids (the relation columns are indexed).
 */
function statements(
  form: string,
  aggregates: RuleAggregates,
  ids: readonly string[],
  merge = true,
): Statement[] {
  const out: Statement[] = []
  const related: Record<string, RelatedSpec> = {}
  const measures: PivotSpec['measures'] = []
  const columns: Statement['columns'] = []
  const batch = (via: string) => ({ in: [{ var: via }, ids] })
  const within = (spec: RelatedSpec) =>
    spec?.filter === undefined ? batch(spec?.via) : { and: [spec.filter, batch(spec?.via)] }
  const paths = new Map<string, Array<[string, RelatedSpec]>>()
  for (const [name, spec] of Object.entries(aggregates)) {
    if (isPath(spec?.via)) {
      const group = merge ? `${spec.form}\u0000${spec.via}` : name
      paths.set(group, [...(paths.get(group) ?? []), [name, spec]])
      continue
    }
    related[name] = { ...spec, filter: within(spec) }
    for (const [value] of Object.entries(spec?.values ?? {})) {
      measures.push({ key: `m${columns.length}`, agg: 'max', field: `${name}.${value}` })
      columns.push({ name, value })
    }
  }
  for (const group of paths.values()) {
    const [first, spec] = group[0]!
    const alone = group.length === 1
    const filters = group.map(([, s]) => s.filter)
    const statement: Statement = {
      spec: {
        source: spec.form,
        filter: alone
          ? within(spec)
          : filters.some((f) => f === undefined)
            ? batch(spec.via)
            : { and: [{ or: filters }, batch(spec.via)] },
        rows: [{ field: spec.via }],
        measures: [],
      },
      columns: [],
      ...(alone ? { only: first } : {}),
    }
    for (const [name, s] of group)
      for (const [value, v] of Object.entries(s?.values ?? {})) {
        statement.spec.measures.push({
          key: `m${statement.columns.length}`,
          agg: v?.agg,
          ...(v?.field ? { field: v.field } : {}),
          ...(!alone && s.filter !== undefined ? { where: s.filter } : {}),
        })
        statement.columns.push({ name, value })
      }
    out.push(statement)
  }
  if (columns.length)
    out.unshift({
      spec: {
        source: form,
        related,
        filter: { in: [{ var: 'id' }, ids] },
        rows: [{ field: 'id' }],
        measures,
      },
      columns,
    })
  return out
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
  for (const statement of statements(form, raw as RuleAggregates, ['0'], false)) {
    try {
      compilePivot(statement.spec, { app, dbSchema: 'app_check' })
    } catch (error) {
      if (!(error instanceof ReportError)) throw error
      const path = issuePath(statement, error.path)
      issues.push({ code: error.code.toUpperCase(), message: error.message, path })
    }
  }
  issues.push(...pathIssues(form, raw as RuleAggregates, app))
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

/** Where a report engine error of a statement sits inside the rule. */
function issuePath(statement: Statement, path: string): string {
  if (!statement.only) return path.startsWith('related.') ? `aggregates.${path.slice(8)}` : 'aggregates'
  const at = `aggregates.${statement.only}`
  if (path === 'source') return `${at}.form`
  if (path.startsWith('rows.')) return `${at}.via`
  const measure = /^measures\.(\d+)(.*)$/.exec(path)
  if (measure) return `${at}.values.${statement.columns[Number(measure[1])]?.value ?? ''}${measure[2]}`
  return path.startsWith('filter') ? `${at}.${path}` : at
}

/** A relation path must end at the trigger's form: `order.customer` of order lines reaches customers. */
function pathIssues(form: string, aggregates: RuleAggregates, app: AppDefinition): RuleIssue[] {
  const issues: RuleIssue[] = []
  for (const [name, spec] of Object.entries(aggregates)) {
    if (!isPath(spec?.via)) continue
    let current = app.forms.find((f) => f.key === spec.form)
    for (const step of spec.via.split('.')) {
      const field = current?.fields.find((f) => f.key === step && !f.archived)
      current = field?.type === 'relation' ? app.forms.find((f) => f.key === field.relation?.form) : undefined
    }
    if (current && current.key !== form)
      issues.push({
        code: 'NOT_A_RELATION',
        message: `${spec.form}.${spec.via} leads to ${current.key}, not ${form}`,
        path: `aggregates.${name}.via`,
      })
  }
  return issues
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
  const aggregates = boundAggregates(rule, context)
  const form = formOf(rule)
  if (!aggregates || !form || !ids.length) return out
  // Records without related rows: counts are 0, other values null.
  for (const id of ids) {
    const values: AggregateValues = {}
    for (const [name, spec] of Object.entries(aggregates)) {
      values[name] = {}
      for (const [value, v] of Object.entries(spec.values))
        values[name][value] = v.agg === 'count' || v.agg === 'count_distinct' ? 0 : null
    }
    out.set(String(id), values)
  }
  for (const { spec, columns } of statements(form, aggregates, ids)) {
    const zone = context.timeZone ? { timeZone: context.timeZone } : {}
    const compiled = compilePivot(
      spec,
      { app: app.definition, dbSchema: app.schema, ...zone },
      { ...(context.now ? { now: new Date(context.now) } : {}) },
    )
    const { rows } = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(compiled.sql, [...compiled.parameters]),
    )
    for (const row of rows) {
      const values = row.d0 === null || row.d0 === undefined ? undefined : out.get(String(row.d0))
      if (!values) continue
      columns.forEach(({ name, value }, i) => {
        values[name]![value] = jsonValue(row[`m${i}`], compiled.meta.measures[i]?.fieldType)
      })
    }
  }
  return out
}

/**
 * The rule's aggregates with its `each` record's values (`$pair.product`) substituted as literals before they
 * are compiled: the report engine binds literals as parameters, in filters and in measures' `where` alike.
 */
function boundAggregates(rule: Rule, context: ConditionContext): RuleAggregates | undefined {
  const aggregates = aggregatesOf(rule)
  const each = eachOf(rule)
  const record = each ? context[each.as] : undefined
  if (!aggregates || !each || !record || typeof record !== 'object') return aggregates
  return bindContextReads(aggregates, each.as, record as Record<string, unknown>) as RuleAggregates
}

/** The context a rule's condition and actions see for one record: its aggregates as `$name.value`. */
export function withAggregates(
  context: ConditionContext,
  values: AggregateValues | undefined,
): ConditionContext {
  return values ? { ...context, ...values } : context
}

/**
 * Aggregates computed once per claimed batch and rule (and `each` record: its values are the statement's
 * parameters): the first job of a group asks for all of them.
 */
export class AggregateBatch {
  private readonly computed = new Map<string, Promise<Map<string, AggregateValues>>>()

  constructor(
    private readonly db: DynamicDb,
    private readonly idsByRule: ReadonlyMap<string, readonly string[]>,
  ) {}

  static of(
    db: DynamicDb,
    jobs: ReadonlyArray<{ app_key: string; rule_key: string; record_id: string | null; payload?: unknown }>,
  ) {
    const ids = new Map<string, string[]>()
    for (const job of jobs) {
      if (job.record_id === null) continue
      const key = groupKey(job.app_key, job.rule_key, eachIdOf(job.payload))
      if (!ids.has(key)) ids.set(key, [])
      ids.get(key)!.push(String(job.record_id))
    }
    return new AggregateBatch(db, ids)
  }

  /** `each`: the id of the job's `each` record, whose values `context` carries. */
  async get(
    app: PublishedApp,
    rule: Rule,
    recordId: string,
    context: ConditionContext,
    each?: string,
  ): Promise<AggregateValues | undefined> {
    const key = groupKey(app.key, rule.key, each)
    const batch = this.idsByRule.get(key) ?? []
    let pending = batch.includes(recordId) ? this.computed.get(key) : undefined
    if (!pending) {
      pending = computeAggregates(this.db, app, rule, batch.includes(recordId) ? batch : [recordId], context)
      if (batch.includes(recordId)) this.computed.set(key, pending)
    }
    return (await pending).get(recordId)
  }
}

const groupKey = (app: string, rule: string, each: string | undefined) =>
  each === undefined ? `${app}/${rule}` : `${app}/${rule}/${each}`

/** The `each` record a job runs for (`payload.each`), if any. */
export function eachIdOf(payload: unknown): string | undefined {
  const each = (payload as { each?: unknown } | null | undefined)?.each
  return typeof each === 'string' ? each : undefined
}

/**
 * Ids of the records of `form` whose condition holds with their aggregates, for a schedule or a manual run
 * over the form: pages of 500 records, each page's aggregates in one batch, the condition checked in JS, so
 * only matching records become jobs (which check again with fresh values when they run).
 */
export async function recordsMatching(
  db: DynamicDb,
  app: PublishedApp,
  rule: Rule,
  form: string,
  context: ConditionContext,
  limit = 100_000,
): Promise<string[]> {
  const reader = new RecordReader(app, app.form(form))
  const out: string[] = []
  let cursor: string | null = null
  do {
    const page: ListResult = await reader.list(db, { limit: 500, ...(cursor ? { cursor } : {}) })
    const ids = page.records.map((record) => String(record.id))
    const values = await computeAggregates(db, app, rule, ids, context)
    for (const record of page.records) {
      const id = String(record.id)
      if (conditionHolds(rule, record, withAggregates(context, values.get(id)))) out.push(id)
    }
    cursor = page.nextCursor
  } while (cursor && out.length < limit)
  return out.slice(0, limit)
}
