import {
  planColumns,
  SUMMARY_COUNT_COLUMN,
  toConditionScope,
  type SummaryPlan,
  type ColumnSpec,
  type ConditionFieldType,
  type FieldDef,
  type FormSchema,
  type LocalizedText,
  type SelectOption,
} from '@trellis/form-engine'
import {
  ConditionError,
  conditionToSql,
  readNames,
  type ConditionContext,
  type JsonLogic,
  type SqlField,
} from '@trellis/rule-engine'
import { sql, type RawBuilder } from 'kysely'
import { fail, ReportError } from '../errors.js'
import type { PivotSchema } from '../schema.js'
import type { PivotSpec } from '../types.js'
import { filterNeedsRelated } from './filter-facts.js'

/** A field reference resolved to a column `cN` of the `src`/`base` layers. */
export interface ResolvedField {
  ref: string
  column: string
  type: ConditionFieldType
  sqlType: string
  label: LocalizedText
  options?: SelectOption[]
  /** Set for `window:` refs: computed in the `base` layer, so unusable in the source filter. */
  window?: boolean
  /** Extra typing the form's condition scope gives (e.g. how ids are stored), passed on to conditions. */
  extra?: Record<string, unknown>
  /** Few distinct values whatever the number of records: a date (one per day) or a quantile score. */
  few?: boolean
  /** Never null: a NOT NULL column of the source table, or a count or sum over related records (0 for none). */
  notNull?: boolean
  /**
   * A summary's date-time dimension, read as the local day it holds (`type` is then `date`, `sourceType`
   * the field's own): good for date buckets only, anything else over it is a summary miss.
   */
  localDay?: boolean
  sourceType?: ConditionFieldType
}

interface Join {
  alias: string
  form: FormSchema
  columns: Map<string, ColumnSpec>
  sql: RawBuilder<unknown>
}

interface RelatedJoin {
  alias: string
  sql: RawBuilder<unknown>
  values: Map<string, { column: string; type: ConditionFieldType; sqlType: string; zero: boolean }>
}

const SYSTEM_LABELS: Record<string, LocalizedText> = {
  id: { 'zh-CN': '编号', en: 'ID' },
  created_at: { 'zh-CN': '创建时间', en: 'Created at' },
  updated_at: { 'zh-CN': '更新时间', en: 'Updated at' },
  created_by: { 'zh-CN': '创建人', en: 'Created by' },
  updated_by: { 'zh-CN': '更新人', en: 'Updated by' },
  version: { 'zh-CN': '版本', en: 'Version' },
}

const RELATED_KEY = /^[a-z][a-z0-9_]{0,62}$/

export function findForm(schema: PivotSchema, key: unknown, path: string): FormSchema {
  const form = schema.app.forms.find((f) => f.key === key && !f.archived)
  if (!form) fail('unknown_form', `Unknown form "${String(key)}"`, path)
  return form!
}

function liveColumns(schema: PivotSchema, form: FormSchema): Map<string, ColumnSpec> {
  const plan = planColumns(form, { app: schema.app })
  return new Map(plan.columns.filter((c) => !c.archived).map((c) => [c.field, c]))
}

/**
 * Turns field references into columns of the query's `src` layer, adding a left join per relation path and
 * one pre-aggregated subquery per `related` entry. Table and column names come from the forms' column plans.
 */
export class FieldResolver {
  readonly source: FormSchema
  readonly fields = new Map<string, ResolvedField>()
  readonly srcColumns: RawBuilder<unknown>[] = []
  readonly windowColumns: RawBuilder<unknown>[] = []
  private readonly sourceColumns: Map<string, ColumnSpec>
  private readonly joins = new Map<string, Join>()
  private readonly relatedJoins = new Map<string, RelatedJoin>()
  /** Fields of the summary the spec reads (see summaryRows). */
  private readonly summaryFields = new Set<string>()

  /**
   * With a summary, `t` is the summary's rows (totals plus pending changes) instead of the records: only
   * its dimensions resolve, its sums only as measures (resolveSum), and anything else is a `summary_miss`,
   * which tells compilePivot to read the records instead.
   */
  constructor(
    readonly schema: PivotSchema,
    readonly spec: PivotSpec,
    readonly timeZone: string,
    private readonly access: FormScopes = {},
    readonly summary?: SummaryPlan,
  ) {
    this.source = findForm(schema, spec.source, 'source')
    this.sourceColumns = liveColumns(schema, this.source)
  }

  table(form: FormSchema): RawBuilder<unknown> {
    const plan = planColumns(form, { app: this.schema.app })
    return sql.table(`${this.schema.dbSchema}.${plan.table}`)
  }

  /** The summary's rows: its compacted totals and the changes not folded in yet, summed by the query. */
  private summaryRows(summary: SummaryPlan): RawBuilder<unknown> {
    // Only the columns the spec reads: the union feeds every summary row through the query.
    const columns = [
      ...summary.dimensions.filter((d) => this.summaryFields.has(d.field)).map((d) => d.column),
      SUMMARY_COUNT_COLUMN,
      ...summary.sums
        .filter((s) => this.summaryFields.has(s.field))
        .flatMap((s) => [s.column, s.countColumn]),
    ].map((c) => sql.ref(c))
    const from = (table: string) =>
      sql`select ${sql.join(columns)} from ${sql.table(`${this.schema.dbSchema}.${table}`)}`
    return sql`(${from(summary.table)} union all ${from(summary.deltaTable)})`
  }

  /** `from … left join …` of the src layer. */
  fromClause(): RawBuilder<unknown> {
    const source = this.summary ? this.summaryRows(this.summary) : this.table(this.source)
    const parts = [sql`${source} as t`]
    for (const join of this.joins.values()) parts.push(join.sql)
    for (const related of this.relatedJoins.values()) parts.push(related.sql)
    return sql.join(parts, sql` `)
  }

  has(ref: string): boolean {
    return this.fields.has(ref)
  }

  resolve(ref: unknown, path: string): ResolvedField {
    if (typeof ref !== 'string' || ref === '')
      return fail('invalid_field', 'A field reference is required', path)
    const known = this.fields.get(ref)
    if (known) return known
    if (ref.startsWith('window:')) return this.resolveWindow(ref, path)
    const parts = ref.split('.')
    const related = this.spec.related?.[parts[0]!]
    if (related && parts.length === 2 && !this.sourceColumns.has(parts[0]!)) {
      if (this.summary) summaryMiss(path)
      return this.resolveRelated(parts[0]!, related, parts[1]!, ref, path)
    }
    // Through a summary only its dimensions are there, each (a relation too) as the records' own column.
    if (this.summary) {
      if (!this.summary.dimensions.some((d) => d.field === parts[0])) summaryMiss(path)
      this.summaryFields.add(parts[0]!)
    }
    let form = this.source
    let columns = this.sourceColumns
    let alias = 't'
    for (let i = 0; i < parts.length - 1; i++) {
      const field = form.fields.find((f) => f.key === parts[i] && !f.archived)
      if (!field || field.type !== 'relation' || !field.relation)
        fail('not_a_relation', `"${parts.slice(0, i + 1).join('.')}" is not a relation field`, path)
      const join = this.join(parts.slice(0, i + 1).join('.'), alias, columns.get(field!.key)!, field!)
      form = join.form
      columns = join.columns
      alias = join.alias
    }
    const key = parts.at(-1)!
    const column = columns.get(key)
    if (!column || column.field === 'deleted_at') return fail('unknown_field', `Unknown field "${ref}"`, path)
    const scope = toConditionScope(form, { app: this.schema.app }).fields[key]
    if (!scope) return fail('unknown_field', `Unknown field "${ref}"`, path)
    const def = form.fields.find((f) => f.key === key)
    const day =
      alias === 't' ? this.summary?.dimensions.find((d) => d.field === key && d.localDay) : undefined
    if (day) {
      // Its days were taken in the summary's zone: only pivots bucketing in that zone may read them.
      if (this.summary!.timeZone !== this.timeZone) summaryMiss(path)
      return this.add(ref, sql.ref(`t.${column.column}`), {
        type: 'date',
        sqlType: 'date',
        sourceType: scope.type,
        localDay: true,
        label: def?.label ?? { en: key },
      })
    }
    const { column: _column, type: _type, ...extra } = scope
    return this.add(ref, sql.ref(`${alias}.${column.column}`), {
      type: scope.type,
      ...(Object.keys(extra).length ? { extra } : {}),
      sqlType: column.sqlType,
      label: def?.label ?? SYSTEM_LABELS[key] ?? { en: key },
      ...(def?.options ? { options: def.options } : {}),
      ...(alias === 't' && column.notNull ? { notNull: true } : {}),
    })
  }

  private add(
    ref: string,
    expression: RawBuilder<unknown>,
    meta: Omit<ResolvedField, 'ref' | 'column'>,
    layer: 'src' | 'window' = 'src',
  ): ResolvedField {
    const column = `c${this.fields.size}`
    const resolved: ResolvedField = { ref, column, ...(meta.type === 'date' ? { few: true } : {}), ...meta }
    this.fields.set(ref, resolved)
    ;(layer === 'src' ? this.srcColumns : this.windowColumns).push(sql`${expression} as ${sql.id(column)}`)
    return resolved
  }

  private join(path: string, fromAlias: string, fk: ColumnSpec, field: FieldDef): Join {
    const existing = this.joins.get(path)
    if (existing) return existing
    const form = findForm(this.schema, field.relation!.form, path)
    const alias = `j${this.joins.size}`
    // Soft-deleted targets, and targets outside the viewer's row scope of their form, behave as an empty
    // relation, as they do in the records API.
    const scoped = this.formScope(form, alias, `${path}.scope`)
    const joinSql = sql`left join ${this.table(form)} as ${sql.id(alias)} on ${sql.ref(`${alias}.id`)} = ${sql.ref(
      `${fromAlias}.${fk.column}`,
    )} and ${sql.ref(`${alias}.deleted_at`)} is null${scoped ? sql` and ${scoped}` : sql``}`
    const join: Join = { alias, form, columns: liveColumns(this.schema, form), sql: joinSql }
    this.joins.set(path, join)
    return join
  }

  /** A form's row scope as SQL over `alias`, or undefined when the viewer sees all of it. */
  private formScope(form: FormSchema, alias: string, path: string): RawBuilder<unknown> | undefined {
    const scopes = this.access.formScopes
    if (!scopes || !Object.prototype.hasOwnProperty.call(scopes, form.key)) return undefined
    const logic = scopes[form.key]
    if (logic === undefined || logic === null) return undefined
    const fields = toConditionScope(form, { alias, app: this.schema.app }).fields
    const scope = {
      fields,
      timeZone: this.timeZone,
      ...(this.access.now ? { now: this.access.now } : {}),
      ...(this.access.context ? { context: this.access.context } : {}),
    }
    return sql`(${condition(logic, scope, path)})`
  }

  private resolveRelated(
    name: string,
    related: PivotSpec['related'] extends infer R ? (R extends Record<string, infer S> ? S : never) : never,
    valueKey: string,
    ref: string,
    path: string,
  ): ResolvedField {
    const join = this.relatedJoin(name, related)
    const value = join.values.get(valueKey)
    if (!value) return fail('unknown_field', `Related "${name}" has no value "${valueKey}"`, path)
    const column = sql.ref(`${join.alias}.${value.column}`)
    // Counts and sums over no related records are 0, not unknown: a customer without orders spent nothing.
    const expression = value.zero ? sql`coalesce(${column}, 0)` : column
    return this.add(ref, expression, {
      type: value.type,
      sqlType: value.sqlType,
      label: { en: ref, 'zh-CN': ref },
      ...(value.zero ? { notNull: true } : {}),
    })
  }

  private relatedJoin(name: string, related: NonNullable<PivotSpec['related']>[string]): RelatedJoin {
    const existing = this.relatedJoins.get(name)
    if (existing) return existing
    const path = `related.${name}`
    if (!RELATED_KEY.test(name)) fail('invalid_key', `Bad related name "${name}"`, path)
    const form = findForm(this.schema, related?.form, `${path}.form`)
    const columns = liveColumns(this.schema, form)
    const via = form.fields.find((f) => f.key === related.via && !f.archived)
    if (!via || via.type !== 'relation' || via.relation?.form !== this.source.key)
      fail(
        'not_a_relation',
        `${form.key}.${String(related.via)} is not a relation to ${this.source.key}`,
        `${path}.via`,
      )
    const scope = toConditionScope(form, { alias: 'c', app: this.schema.app })
    const alias = `r${this.relatedJoins.size}`
    const values = new Map<string, RelatedJoin['values'] extends Map<string, infer V> ? V : never>()
    // `+ 0` keeps the planner from reading the whole related table in the order of the relation column's
    // index to feed a sorted aggregate — one random heap read per related record, many times slower than a
    // (parallel) scan hashed by key once the table outgrows shared buffers. Filters on the column itself
    // (`customer in (…)`) still use the index.
    const viaColumn = columns.get(via!.key)!
    const key = sql.ref(`c.${viaColumn.column}`)
    const selects: RawBuilder<unknown>[] = [
      viaColumn.sqlType === 'bigint' ? sql`${key} + 0 as k` : sql`${key} as k`,
    ]
    if (!related.values || typeof related.values !== 'object' || !Object.keys(related.values).length)
      fail('invalid_spec', 'Related needs at least one value', `${path}.values`)
    for (const [key, value] of Object.entries(related.values)) {
      const vpath = `${path}.values.${key}`
      if (!RELATED_KEY.test(key)) fail('invalid_key', `Bad value name "${key}"`, vpath)
      const column = `v${values.size}`
      const agg = value?.agg
      if (agg === 'count' && value.field === undefined) {
        selects.push(sql`count(*) as ${sql.id(column)}`)
        values.set(key, { column, type: 'number', sqlType: 'bigint', zero: true })
        continue
      }
      const spec = columns.get(value?.field ?? '')
      const type = scope.fields[value?.field ?? '']?.type
      if (!spec || !type || spec.field === 'deleted_at')
        fail('unknown_field', `Unknown field "${String(value?.field)}" on ${form.key}`, `${vpath}.field`)
      const ref = sql.ref(`c.${spec!.column}`)
      const numeric = type === 'number' || type === 'decimal'
      switch (agg) {
        case 'count':
          selects.push(sql`count(${ref}) as ${sql.id(column)}`)
          values.set(key, { column, type: 'number', sqlType: 'bigint', zero: true })
          break
        case 'count_distinct':
          selects.push(sql`count(distinct ${ref}) as ${sql.id(column)}`)
          values.set(key, { column, type: 'number', sqlType: 'bigint', zero: true })
          break
        case 'sum':
        case 'avg':
          if (!numeric) fail('type_mismatch', `${agg} needs a number field`, `${vpath}.field`)
          selects.push(sql`${sql.raw(agg)}(${ref}) as ${sql.id(column)}`)
          values.set(key, {
            column,
            type: agg === 'avg' ? 'decimal' : type!,
            sqlType: agg === 'avg' ? 'numeric' : spec!.sqlType,
            zero: agg === 'sum',
          })
          break
        case 'min':
        case 'max':
          if (type === 'json' || type === 'text_array' || type === 'boolean')
            fail('type_mismatch', `${agg} cannot aggregate this field`, `${vpath}.field`)
          selects.push(sql`${sql.raw(agg)}(${ref}) as ${sql.id(column)}`)
          values.set(key, { column, type: type!, sqlType: spec!.sqlType, zero: false })
          break
        default:
          fail('invalid_aggregation', `Unknown aggregation "${String(agg)}"`, `${vpath}.agg`)
      }
    }
    let where = sql`c.deleted_at is null`
    // Only related records inside the viewer's row scope of their form are aggregated.
    const scoped = this.formScope(form, 'c', `${path}.scope`)
    if (scoped) where = sql`${where} and ${scoped}`
    if (related.filter !== undefined && related.filter !== null) {
      // The evaluation's instant too, so "orders in the last 30 days" counts from the injected clock.
      const at = this.access.now ? { now: this.access.now } : {}
      where = sql`${where} and (${condition(related.filter, { fields: scope.fields, timeZone: this.timeZone, ...at }, `${path}.filter`)})`
    }
    // An inner join when the spec's filter drops source records without related ones anyway (RFM's
    // `purchases.count >= 1`): the same rows, and the planner may start from the aggregate.
    const empty = new Map([...values].map(([k, v]) => [k, v.zero ? (0 as const) : null]))
    const inner =
      !this.sourceColumns.has(name) &&
      filterNeedsRelated(this.spec.filter, name, empty, {
        timeZone: this.timeZone,
        ...(this.access.now ? { now: this.access.now } : {}),
      })
    const joinSql = sql`${inner ? sql`join` : sql`left join`} (select ${sql.join(selects)} from ${this.table(form)} as c where ${where} group by 1) as ${sql.id(
      alias,
    )} on ${sql.ref(`${alias}.k`)} = t.id`
    const join: RelatedJoin = { alias, sql: joinSql, values }
    this.relatedJoins.set(name, join)
    return join
  }

  /**
   * A sums field of the summary as a measure reads it: the column of its sums per summary row and the
   * column counting the records that had a value.
   */
  resolveSum(ref: unknown, path: string): { sum: string; count: string; type: ConditionFieldType } {
    const sum = this.summary?.sums.find((s) => s.field === ref)
    if (!sum) return summaryMiss(path)
    this.summaryFields.add(sum.field)
    const type = toConditionScope(this.source, { app: this.schema.app }).fields[sum.field]!.type
    const label = this.source.fields.find((f) => f.key === sum.field)?.label ?? { en: sum.field }
    const sumRef = `sum:${sum.field}`
    const countRef = `count:${sum.field}`
    const total =
      this.fields.get(sumRef) ??
      this.add(sumRef, sql.ref(`t.${sum.column}`), { type: 'decimal', sqlType: 'numeric', label })
    const count =
      this.fields.get(countRef) ??
      this.add(countRef, sql.ref(`t.${sum.countColumn}`), { type: 'number', sqlType: 'bigint', label })
    return { sum: total.column, count: count.column, type }
  }

  private resolveWindow(ref: string, path: string): ResolvedField {
    if (this.summary) summaryMiss(path)
    const name = ref.slice('window:'.length)
    const window = this.spec.windows?.[name]
    if (!window || !Object.prototype.hasOwnProperty.call(this.spec.windows, name))
      return fail('unknown_field', `Unknown window "${name}"`, path)
    const wpath = `windows.${name}`
    const field = this.resolve(window.field, `${wpath}.field`)
    if (field.window) fail('invalid_spec', 'A window cannot read another window', `${wpath}.field`)
    const col = sql.ref(field.column)
    switch (window.fn) {
      case 'min':
      case 'max':
      case 'count': {
        if (!Array.isArray(window.partitionBy) || window.partitionBy.length === 0)
          fail('invalid_spec', 'partitionBy lists at least one field', `${wpath}.partitionBy`)
        const partition = window.partitionBy.map((p, i) => {
          const f = this.resolve(p, `${wpath}.partitionBy.${i}`)
          if (f.window) fail('invalid_spec', 'Cannot partition by a window', `${wpath}.partitionBy.${i}`)
          return sql.ref(f.column)
        })
        if (
          window.fn !== 'count' &&
          (field.type === 'json' || field.type === 'text_array' || field.type === 'boolean')
        )
          fail('type_mismatch', `${window.fn} cannot aggregate this field`, `${wpath}.field`)
        const expr = sql`${sql.raw(window.fn)}(${col}) over (partition by ${sql.join(partition)})`
        const count = window.fn === 'count'
        return this.add(
          ref,
          expr,
          {
            type: count ? 'number' : field.type,
            sqlType: count ? 'bigint' : field.sqlType,
            label: { en: name, 'zh-CN': name },
            window: true,
          },
          'window',
        )
      }
      case 'quantile': {
        const buckets = window.buckets ?? 5
        if (!Number.isInteger(buckets) || buckets < 2 || buckets > 100)
          fail('invalid_spec', 'buckets is a whole number from 2 to 100', `${wpath}.buckets`)
        if (field.type === 'json' || field.type === 'text_array' || field.type === 'boolean')
          fail('type_mismatch', 'A quantile needs an ordered field', `${wpath}.field`)
        // rank() gives equal values the same rank, so ties share a score: 1 + ⌊buckets·(rank−1)/n⌋ over the
        // records that have a value (empty values get no score). With empty values sorted last, a value's rank
        // over all records equals its rank among those with a value, and count(field) counts exactly those:
        // one sort on the field alone, the plan a hand-written query gets (no `partition by field is null`).
        // A field that is never empty (RFM's frequency and monetary value) needs neither the test nor count(field).
        const order = window.descending ? sql`desc nulls last` : sql`asc nulls last`
        const score = sql`1 + (cast(${buckets} as integer) * (rank() over (order by ${col} ${order}) - 1)) / count(${field.notNull ? sql`*` : col}) over ()`
        const expr = field.notNull ? score : sql`case when ${col} is null then null else ${score} end`
        return this.add(
          ref,
          expr,
          { type: 'number', sqlType: 'bigint', label: { en: name, 'zh-CN': name }, window: true, few: true },
          'window',
        )
      }
      default:
        return fail(
          'invalid_spec',
          `Unknown window function "${String((window as { fn?: unknown }).fn)}"`,
          `${wpath}.fn`,
        )
    }
  }

  /**
   * The condition scope over layer columns. Before windows exist (`src`), window refs are refused as unknown.
   * Unknown names are left out so the rule engine reports them with its own code and path.
   */
  scope(logic: JsonLogic, path: string, withWindows: boolean) {
    const fields: ConditionScopeLike['fields'] = {}
    for (const name of readNames(logic)) {
      if (name.startsWith('$')) continue
      if (!withWindows && name.startsWith('window:')) continue
      let field: ResolvedField
      try {
        field = this.resolve(name, path)
      } catch (error) {
        if (
          error instanceof ReportError &&
          (error.code === 'unknown_field' || error.code === 'not_a_relation')
        )
          continue
        throw error
      }
      if (field.window && !withWindows) continue
      if (field.localDay) summaryMiss(path)
      fields[name] = { ...field.extra, column: field.column, type: field.type } as SqlField
    }
    return { fields, timeZone: this.timeZone }
  }
}

/** Row scopes of other forms (see CompileOptions.formScopes) and what their conditions evaluate with. */
export interface FormScopes {
  formScopes?: Record<string, JsonLogic>
  now?: Date
  context?: ConditionContext
}

export interface ConditionScopeLike {
  fields: Record<string, SqlField>
  timeZone: string
  now?: Date
  context?: ConditionContext
}

/** The part of a spec at `path` needs the records themselves, not the summary being tried. */
export const summaryMiss = (path: string): never =>
  fail('summary_miss', 'Not answerable from this summary', path)

/** conditionToSql with the rule engine's errors re-coded under the spec's path. */
export function condition(logic: JsonLogic, scope: ConditionScopeLike, path: string): RawBuilder<unknown> {
  try {
    return sql`${conditionToSql(logic, scope)}`
  } catch (error) {
    if (error instanceof ConditionError)
      throw new ReportError(
        `condition.${error.code}`,
        error.message,
        error.path ? `${path}.${error.path}` : path,
      )
    throw error
  }
}
