import { planSummaries, SUMMARY_COUNT_COLUMN, type SummaryPlan } from '@trellis/form-engine'
import type { ConditionContext, JsonLogic } from '@trellis/rule-engine'
import { sql, type RawBuilder } from 'kysely'
import { fail, ReportError } from './errors.js'
import { checkDbSchema, timeZoneOf, type PivotSchema } from './schema.js'
import { compileSql, type CompiledSql } from './sql/compile-only.js'
import { compileDimension, type CompiledDimension, type DimensionMeta } from './sql/dimensions.js'
import { condition, FieldResolver, findForm, summaryMiss } from './sql/field-resolver.js'
import { compileMeasures, SUMMARY_WEIGHT, type MeasureMeta } from './sql/measures.js'
import type { PivotSpec, TotalsSpec } from './types.js'

export interface CompileOptions {
  /**
   * The viewer's row scope (JsonLogic over the source form), AND-ed with the spec's filter before
   * aggregation, so a viewer's totals only ever count rows they may see.
   */
  rowScope?: JsonLogic
  /**
   * Row scopes of the forms a pivot reads besides its source rows, by form key (`$user` values already bound).
   * A joined record outside its form's scope reads as an empty relation (as the records API embeds it as
   * null); a `related` aggregate only counts related records inside theirs. `false` hides a whole form.
   */
  formScopes?: Record<string, JsonLogic>
  /** Caps the result rows: the host asks for one more than it accepts to detect an oversized pivot. */
  maxRows?: number
  /** Evaluation instant and `$…` variables for conditions (`{"now": []}`, `$user.store`). */
  now?: Date
  context?: ConditionContext
  /** `false` reads the records even where one of the source form's summaries could answer. */
  summaries?: boolean
}

export interface TopMeta {
  dimension: string
  n: number
  others: boolean
}

export interface PivotMeta {
  rows: DimensionMeta[]
  columns: DimensionMeta[]
  measures: MeasureMeta[]
  top: TopMeta[]
  totals: TotalsSpec
  timeZone: string
  /** The key of the source form's summary the query reads instead of its records, if any. */
  summary?: string
}

export interface CompiledPivot extends CompiledSql {
  meta: PivotMeta
}

/** Result column names: `d<i>` per dimension (rows then columns), `o<i>` "others" flags, `g`, `m<i>`. */
export const dimColumn = (i: number) => `d${i}`
export const othersColumn = (i: number) => `o${i}`
export const measureColumn = (i: number) => `m${i}`
export const MAX_DIMENSIONS = 12

interface Prepared {
  resolver: FieldResolver
  rows: CompiledDimension[]
  columns: CompiledDimension[]
  where: RawBuilder<unknown>[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Resolves the parts of a spec every query over it shares: fields, filter, row scope, dimensions. */
export function preparePivot(
  spec: PivotSpec,
  schema: PivotSchema,
  options: CompileOptions = {},
  summary?: SummaryPlan,
): Prepared {
  if (!isObject(spec)) fail('invalid_spec', 'A pivot spec is an object', '')
  checkDbSchema(schema.dbSchema)
  const extra = {
    ...(options.now ? { now: options.now } : {}),
    ...(options.context ? { context: options.context } : {}),
  }
  const resolver = new FieldResolver(
    schema,
    spec,
    timeZoneOf(schema),
    { ...(options.formScopes ? { formScopes: options.formScopes } : {}), ...extra },
    summary,
  )
  for (const key of ['rows', 'columns', 'measures', 'sort', 'top'] as const) {
    if (spec[key] !== undefined && !Array.isArray(spec[key])) fail('invalid_spec', `${key} is a list`, key)
  }
  const where: RawBuilder<unknown>[] = []
  for (const [logic, path] of [
    [spec.filter, 'filter'],
    [options.rowScope, 'rowScope'],
  ] as const) {
    if (logic === undefined || logic === null) continue
    where.push(condition(logic, { ...resolver.scope(logic, path, false), ...extra }, path))
  }
  const rows = (spec.rows ?? []).map((d, i) => compileDimension(d, `rows.${i}`, resolver))
  const columns = (spec.columns ?? []).map((d, i) => compileDimension(d, `columns.${i}`, resolver))
  if (rows.length + columns.length > MAX_DIMENSIONS)
    fail('too_many_dimensions', `At most ${MAX_DIMENSIONS} dimensions`, 'rows')
  return { resolver, rows, columns, where }
}

/** `src` (typed columns, joins, related aggregates) and `base` (filtered, with window values) CTEs. */
export function baseCtes(prepared: Prepared): RawBuilder<unknown> {
  const { resolver, where } = prepared
  // A summary holds live records only, and stands for many of them per row: its count instead of an id.
  const src = resolver.summary
    ? sql`select ${sql.join([sql`${sql.ref(`t.${SUMMARY_COUNT_COLUMN}`)} as ${sql.id(SUMMARY_WEIGHT)}`, ...resolver.srcColumns])} from ${resolver.fromClause()}`
    : sql`select ${sql.join([sql`t.id as id`, ...resolver.srcColumns])} from ${resolver.fromClause()} where t.deleted_at is null`
  const baseColumns = [sql`src.*`, ...resolver.windowColumns]
  const filter = where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``
  return sql`src as (${src}), base as (select ${sql.join(baseColumns)} from src${filter})`
}

/**
 * A PivotSpec → one SQL statement: aggregates per cell with GROUPING SETS adding subtotals and totals.
 * Every field, bucket, aggregation and direction is checked against the app's forms and allow-lists;
 * table and column names come from the forms' column plans, every value is a parameter.
 */
export function compilePivot(
  spec: PivotSpec,
  schema: PivotSchema,
  options: CompileOptions = {},
): CompiledPivot {
  // Over the records first: that checks the whole spec, so a summary is only ever a faster way to the same
  // answer. Then the source form's summaries, fewest dimensions first, until one holds everything asked.
  const records = compileWith(spec, schema, options)
  if (options.summaries === false) return records
  const source = findForm(schema, spec.source, 'source')
  const summaries = planSummaries(source, schema.app).sort(
    (a, b) => a.dimensions.length - b.dimensions.length,
  )
  for (const summary of summaries) {
    try {
      return compileWith(spec, schema, options, summary)
    } catch (error) {
      if (!(error instanceof ReportError && error.code === 'summary_miss')) throw error
    }
  }
  return records
}

function compileWith(
  spec: PivotSpec,
  schema: PivotSchema,
  options: CompileOptions,
  summary?: SummaryPlan,
): CompiledPivot {
  const prepared = preparePivot(spec, schema, options, summary)
  const { resolver, rows, columns } = prepared
  const measures = compileMeasures(spec.measures, resolver)
  const dims = [...rows, ...columns]
  const totals: TotalsSpec = isObject(spec.totals) ? spec.totals : {}

  checkSort(
    spec,
    rows.length,
    columns.length,
    measures.map((m) => m.meta.key),
  )
  const top = compileTop(spec, dims, measures, rows.length)
  // A top-N ranks values by the one-stage measure over records.
  if (summary && top.size) summaryMiss('top')
  const topCtes: RawBuilder<unknown>[] = []
  const topJoins: RawBuilder<unknown>[] = []
  const topWhere: RawBuilder<unknown>[] = []
  const dimSelects = dims.map((dim, i) => {
    const t = top.get(i)
    if (!t) return sql`${dim.sql} as ${sql.id(dimColumn(i))}`
    const name = `top_${i}`
    const by = t.measure
    // Values ranked by the measure, largest first, ties by value; empty values are never ranked.
    topCtes.push(
      sql`${sql.id(name)} as (select v, row_number() over (order by m desc nulls last, v asc) as rn from (select ${dim.sql} as v, ${by} as m from base where ${dim.sql} is not null group by 1) x)`,
    )
    const rn = sql.ref(`${name}.rn`)
    topJoins.push(sql`left join ${sql.id(name)} on ${sql.ref(`${name}.v`)} = ${dim.sql}`)
    if (!t.meta.others) {
      topWhere.push(sql`(${sql.ref(dimColumn(i))} is null or ${sql.ref(othersColumn(i))} is false)`)
    }
    return sql`case when ${rn} <= ${t.meta.n} then ${dim.sql} end as ${sql.id(dimColumn(i))}, (${dim.sql} is not null and coalesce(${rn} > ${t.meta.n}, true)) as ${sql.id(othersColumn(i))}`
  })

  const groupColumns = (i: number) =>
    top.has(i) ? [sql.ref(dimColumn(i)), sql.ref(othersColumn(i))] : [sql.ref(dimColumn(i))]
  const levels = (n: number, total: boolean | undefined) => {
    const set = new Set<number>([n])
    if (totals.subtotals) for (let k = 0; k < n; k++) set.add(k)
    if (total) set.add(0)
    return [...set].sort((a, b) => b - a)
  }
  const sets: RawBuilder<unknown>[] = []
  for (const r of levels(rows.length, totals.rows)) {
    for (const c of levels(columns.length, totals.columns)) {
      const cols = [
        ...Array.from({ length: r }, (_, i) => groupColumns(i)).flat(),
        ...Array.from({ length: c }, (_, i) => groupColumns(rows.length + i)).flat(),
      ]
      sets.push(sql`(${sql.join(cols.length ? cols : [sql``], sql`, `)})`)
    }
  }

  const keyColumns: RawBuilder<unknown>[] = []
  dims.forEach((_, i) => {
    keyColumns.push(sql.ref(dimColumn(i)))
    if (top.has(i)) keyColumns.push(sql.ref(othersColumn(i)))
  })
  const selects = [...keyColumns]
  if (dims.length) selects.push(sql`grouping(${sql.join(dims.map((_, i) => sql.ref(dimColumn(i))))}) as g`)

  // Two stages when every measure decomposes: one plain GROUP BY of the leaf cells (which PostgreSQL runs
  // as a parallel partial aggregate, one hash table), then the grouping sets over those few rows. A single
  // GROUPING SETS over all records keeps one hash table per set and never runs in parallel.
  // Over a summary always: its rows must be summed (every summary measure splits), then leaf cells no
  // record is left in dropped, as a count over records never shows them.
  const twoStage = summary ? true : dims.length > 0 && measures.every((m) => m.split)
  // Dimensions over few-valued columns are computed after the first stage, over its rows: the leaf groups
  // by the date itself (one value per day) instead of running date_trunc on every record, the larger part
  // of a month × store pivot's cost after the scan; RFM groups by the three scores before its segment cases.
  // Not with a top-N, whose ranking reads the dimension per record.
  // A summary has few rows already: its leaf groups by the dimensions themselves, fewer rows for the sets.
  const lifted = twoStage && !top.size && !summary ? dims.map((d) => d.columns) : []
  const ctes = [baseCtes(prepared), ...topCtes]
  const cellsSelect = [sql`base.*`, ...dimSelects.filter((_, i) => !lifted[i])]
  ctes.push(sql`cells as (select ${sql.join(cellsSelect)} from base ${sql.join(topJoins, sql` `)})`)
  const whereSql = topWhere.length ? sql` where ${sql.join(topWhere, sql` and `)}` : sql``
  const groupBy = dims.length ? sql` group by grouping sets (${sql.join(sets)})` : sql``
  const limit =
    options.maxRows !== undefined ? sql` limit ${Math.max(0, Math.floor(options.maxRows))}` : sql``
  let from = sql`cells${whereSql}`
  if (twoStage) {
    const partialNames = measures.flatMap((m) => m.split!.partials.map((p) => p.name))
    const partials = measures.flatMap((m) => m.split!.partials.map((p) => sql`${p.sql} as ${sql.id(p.name)}`))
    const leafKeys = lifted.some(Boolean)
      ? [...new Set(dims.flatMap((_, i) => lifted[i] ?? [dimColumn(i)]))].map((c) => sql.ref(c))
      : keyColumns
    const leafGroup = leafKeys.length ? sql` group by ${sql.join(leafKeys)}` : sql``
    const having = summary ? sql` having sum(${sql.ref(SUMMARY_WEIGHT)}) > 0` : sql``
    ctes.push(
      sql`leaf as (select ${sql.join([...leafKeys, ...partials])} from cells${whereSql}${leafGroup}${having})`,
    )
    from = sql`leaf`
    if (lifted.some(Boolean)) {
      const liftedSelect = [
        ...dims.map((dim, i) =>
          lifted[i] ? sql`${dim.sql} as ${sql.id(dimColumn(i))}` : sql.ref(dimColumn(i)),
        ),
        ...partialNames.map((name) => sql.ref(name)),
      ]
      ctes.push(sql`buckets as (select ${sql.join(liftedSelect)} from leaf)`)
      from = sql`buckets`
    }
  }
  measures.forEach((m, i) =>
    selects.push(sql`${twoStage ? m.split!.final : m.sql} as ${sql.id(measureColumn(i))}`),
  )
  const query = sql`with ${sql.join(ctes)} select ${sql.join(selects)} from ${from}${groupBy}${limit}`

  const compiled = compileSql(query)
  return {
    ...compiled,
    meta: {
      rows: rows.map((d) => d.meta),
      columns: columns.map((d) => d.meta),
      measures: measures.map((m) => m.meta),
      top: [...top.values()].map((t) => t.meta),
      totals,
      timeZone: resolver.timeZone,
      ...(summary ? { summary: summary.key } : {}),
    },
  }
}

/** `rows.0` / `columns.1` → the index in rows-then-columns order. */
export function dimensionIndex(path: unknown, rows: number, columns: number, at: string): number {
  const m = typeof path === 'string' ? /^(rows|columns)\.(\d{1,2})$/.exec(path) : null
  const index = m ? Number(m[2]) : -1
  if (!m || index >= (m[1] === 'rows' ? rows : columns))
    return fail('invalid_dimension', `"${String(path)}" names no dimension of this pivot`, at)
  return m[1] === 'rows' ? index : rows + index
}

function compileTop(
  spec: PivotSpec,
  dims: CompiledDimension[],
  measures: ReturnType<typeof compileMeasures>,
  rowCount: number,
) {
  const top = new Map<number, { meta: TopMeta; measure: RawBuilder<unknown> }>()
  ;(spec.top ?? []).forEach((t, i) => {
    const path = `top.${i}`
    if (!isObject(t)) fail('invalid_spec', 'top entries are objects', path)
    const index = dimensionIndex(t.dimension, rowCount, dims.length - rowCount, `${path}.dimension`)
    if (top.has(index)) fail('duplicate_key', 'One top per dimension', `${path}.dimension`)
    if (!Number.isInteger(t.n) || t.n < 1 || t.n > 1000)
      fail('invalid_spec', 'n is a whole number from 1 to 1000', `${path}.n`)
    const measure = t.by === undefined ? measures[0] : measures.find((m) => m.meta.key === t.by)
    if (!measure) fail('unknown_measure', `Unknown measure "${String(t.by)}"`, `${path}.by`)
    top.set(index, {
      meta: { dimension: t.dimension, n: t.n, others: Boolean(t.others) },
      measure: measure!.sql,
    })
  })
  return top
}

function checkSort(spec: PivotSpec, rows: number, columns: number, measureKeys: string[]): void {
  ;(spec.sort ?? []).forEach((s, i) => {
    const path = `sort.${i}`
    if (!isObject(s)) fail('invalid_spec', 'sort entries are objects', path)
    if (s.direction !== undefined && s.direction !== 'asc' && s.direction !== 'desc')
      fail('invalid_direction', 'direction is asc or desc', `${path}.direction`)
    if (typeof s.by === 'string' && measureKeys.includes(s.by)) return
    dimensionIndex(s.by, rows, columns, `${path}.by`)
  })
}
