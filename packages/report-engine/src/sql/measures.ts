import type { LocalizedText } from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import { fail } from '../errors.js'
import type { Aggregation, Measure, ShowAs } from '../types.js'
import { condition, summaryMiss, type FieldResolver } from './field-resolver.js'

export const AGGREGATIONS: readonly Aggregation[] = [
  'count',
  'count_distinct',
  'sum',
  'avg',
  'min',
  'max',
  'median',
]
export const SHOW_AS: readonly ShowAs[] = [
  'value',
  'share_of_first_column',
  'share_of_row_total',
  'share_of_column_total',
  'share_of_grand_total',
]
export const MEASURE_KEY = /^[a-z][a-z0-9_]{0,62}$/

export interface MeasureMeta {
  key: string
  label: LocalizedText
  agg: Aggregation | 'ratio'
  field?: string
  fieldType?: string
  showAs: ShowAs
}

export interface CompiledMeasure {
  meta: MeasureMeta
  /** Aggregate expression over the `cells` layer. */
  sql: RawBuilder<unknown>
  /**
   * The same measure in two stages, when it decomposes (all but count_distinct and median): `partials`
   * aggregate `cells` per leaf cell into `leaf` columns, `final` combines them for every grouping set.
   */
  split?: { partials: Array<{ name: string; sql: RawBuilder<unknown> }>; final: RawBuilder<unknown> }
}

const NUMERIC = new Set(['number', 'decimal'])
const ORDERED = new Set(['number', 'decimal', 'date', 'datetime', 'text'])

const defaultLabels: Record<Aggregation, LocalizedText> = {
  count: { 'zh-CN': '数量', en: 'Count' },
  count_distinct: { 'zh-CN': '去重数', en: 'Distinct count' },
  sum: { 'zh-CN': '合计', en: 'Sum' },
  avg: { 'zh-CN': '平均', en: 'Average' },
  min: { 'zh-CN': '最小', en: 'Min' },
  max: { 'zh-CN': '最大', en: 'Max' },
  median: { 'zh-CN': '中位数', en: 'Median' },
}

export function compileMeasures(measures: Measure[], resolver: FieldResolver): CompiledMeasure[] {
  if (!Array.isArray(measures) || measures.length === 0)
    fail('invalid_spec', 'A pivot needs at least one measure', 'measures')
  const seen = new Set<string>()
  const compiled = new Map<string, CompiledMeasure>()
  measures.forEach((m, i) => {
    const path = `measures.${i}`
    if (typeof m !== 'object' || m === null) fail('invalid_spec', 'A measure is an object', path)
    if (typeof m.key !== 'string' || !MEASURE_KEY.test(m.key))
      fail('invalid_key', 'A measure key is lower-case letters, digits and _', `${path}.key`)
    if (seen.has(m.key)) fail('duplicate_key', `Measure "${m.key}" appears twice`, `${path}.key`)
    seen.add(m.key)
    const showAs = m.showAs ?? 'value'
    if (!SHOW_AS.includes(showAs))
      fail('invalid_spec', `Unknown showAs "${String(showAs)}"`, `${path}.showAs`)
  })
  // Aggregates first, so a ratio may name any of them wherever it stands in the list.
  measures.forEach((m, i) => {
    if ('ratio' in m) return
    compiled.set(m.key, aggregate(m, `measures.${i}`, resolver, i))
  })
  return measures.map((m, i) => {
    if (!('ratio' in m)) return compiled.get(m.key)!
    const path = `measures.${i}.ratio`
    if (!Array.isArray(m.ratio) || m.ratio.length !== 2)
      fail('invalid_spec', 'ratio is [numerator, denominator]', path)
    const [a, b] = m.ratio.map((key, j) => {
      const found = compiled.get(key)
      if (!found)
        fail('unknown_measure', `"${String(key)}" is not an aggregate measure of this pivot`, `${path}.${j}`)
      return found!
    })
    return {
      meta: {
        key: m.key,
        label: m.label ?? { 'zh-CN': '比率', en: 'Ratio' },
        agg: 'ratio',
        showAs: m.showAs ?? 'value',
      },
      sql: sql`(cast(${a!.sql} as numeric) / nullif(cast(${b!.sql} as numeric), 0))`,
      // Its numerator and denominator are measures of the list, so their partials are in `leaf` already.
      ...(a!.split && b!.split
        ? {
            split: {
              partials: [],
              final: sql`(cast(${a!.split.final} as numeric) / nullif(cast(${b!.split.final} as numeric), 0))`,
            },
          }
        : {}),
    }
  })
}

function aggregate(
  m: Extract<Measure, { agg: unknown }>,
  path: string,
  resolver: FieldResolver,
  index: number,
): CompiledMeasure {
  const agg = m.agg
  if (!AGGREGATIONS.includes(agg))
    fail('invalid_aggregation', `Unknown aggregation "${String(agg)}"`, `${path}.agg`)
  if (resolver.summary) return summaryAggregate(m, path, resolver, index)
  let expression: RawBuilder<unknown>
  let col: RawBuilder<unknown> | undefined
  let fieldMeta: { field?: string; fieldType?: string } = {}
  if (agg === 'count' && m.field === undefined) {
    expression = sql`count(*)`
  } else {
    const field = resolver.resolve(m.field, `${path}.field`)
    fieldMeta = { field: field.ref, fieldType: field.type }
    col = sql.ref(field.column)
    const allowed =
      agg === 'count' || agg === 'count_distinct'
        ? field.type !== 'json'
        : agg === 'min' || agg === 'max'
          ? ORDERED.has(field.type)
          : NUMERIC.has(field.type)
    if (!allowed) fail('type_mismatch', `${agg} cannot aggregate "${field.ref}"`, `${path}.field`)
    switch (agg) {
      case 'count':
        expression = sql`count(${col})`
        break
      case 'count_distinct':
        expression = sql`count(distinct ${col})`
        break
      case 'median':
        expression = sql`percentile_cont(0.5) within group (order by ${col})`
        break
      default:
        // `agg` is one of sum/avg/min/max here, checked against the allow-list above.
        expression = sql`${sql.raw(agg)}(${col})`
    }
  }
  const filter = measureFilter(m, path, resolver)
  const split = splitAggregate(agg, col, filter, index)
  return { ...(split ? { split } : {}), meta: measureMeta(m, fieldMeta), sql: filter(expression) }
}

/** The measure's `where` as an aggregate's `FILTER (WHERE …)`, or nothing. */
function measureFilter(
  m: Extract<Measure, { agg: unknown }>,
  path: string,
  resolver: FieldResolver,
): (e: RawBuilder<unknown>) => RawBuilder<unknown> {
  if (m.where === undefined || m.where === null) return (e) => e
  const where = condition(m.where, resolver.scope(m.where, `${path}.where`, true), `${path}.where`)
  return (e) => sql`${e} filter (where ${where})`
}

function measureMeta(
  m: Extract<Measure, { agg: unknown }>,
  fieldMeta: { field?: string; fieldType?: string },
): MeasureMeta {
  return {
    key: m.key,
    label: m.label ?? defaultLabels[m.agg],
    agg: m.agg,
    ...fieldMeta,
    showAs: m.showAs ?? 'value',
  }
}

/**
 * A measure over a summary's rows, which stand for many records each: counts add up the row counts, sums the
 * per-row sums, an average divides the two. Always in two stages (compilePivot's summary mode); anything
 * else a summary cannot answer is a miss.
 */
function summaryAggregate(
  m: Extract<Measure, { agg: unknown }>,
  path: string,
  resolver: FieldResolver,
  index: number,
): CompiledMeasure {
  const agg = m.agg
  if (agg !== 'count' && agg !== 'sum' && agg !== 'avg') return summaryMiss(`${path}.agg`)
  const filter = measureFilter(m, path, resolver)
  const name = (k: number) => `p${index}_${k}`
  const ref = (k: number) => sql.ref(name(k))
  const meta = (fieldMeta: { field?: string; fieldType?: string }) => measureMeta(m, fieldMeta)
  if (agg === 'count' && m.field === undefined) {
    const final = sql`cast(coalesce(sum(${ref(0)}), 0) as bigint)`
    return {
      meta: meta({}),
      sql: final,
      split: { partials: [{ name: name(0), sql: filter(sql`sum(${sql.ref(SUMMARY_WEIGHT)})`) }], final },
    }
  }
  const field = resolver.resolveSum(m.field, `${path}.field`)
  const fieldMeta = { field: m.field!, fieldType: field.type }
  const total = filter(sql`sum(${sql.ref(field.sum)})`)
  const count = filter(sql`sum(${sql.ref(field.count)})`)
  const split: NonNullable<CompiledMeasure['split']> =
    agg === 'count'
      ? { partials: [{ name: name(0), sql: count }], final: sql`cast(coalesce(sum(${ref(0)}), 0) as bigint)` }
      : agg === 'sum'
        ? // A sum over records without a value is unknown, as a plain sum() over nulls is.
          {
            partials: [{ name: name(0), sql: sql`case when ${count} > 0 then ${total} end` }],
            final: sql`sum(${ref(0)})`,
          }
        : {
            partials: [
              { name: name(0), sql: total },
              { name: name(1), sql: count },
            ],
            final: sql`(sum(${ref(0)}) / nullif(sum(${ref(1)}), 0))`,
          }
  return { meta: meta(fieldMeta), sql: split.final, split }
}

/** The src column holding a summary row's record count (see baseCtes). */
export const SUMMARY_WEIGHT = 'w'

/** Partial aggregates per leaf cell and how they combine (see CompiledMeasure.split). */
function splitAggregate(
  agg: Aggregation,
  col: RawBuilder<unknown> | undefined,
  filter: (e: RawBuilder<unknown>) => RawBuilder<unknown>,
  index: number,
): CompiledMeasure['split'] {
  const name = (k: number) => `p${index}_${k}`
  const ref = (k: number) => sql.ref(name(k))
  switch (agg) {
    case 'count':
      // A count over no leaf cells is 0, as a one-stage count over no rows is.
      return {
        partials: [{ name: name(0), sql: filter(col ? sql`count(${col})` : sql`count(*)`) }],
        final: sql`cast(coalesce(sum(${ref(0)}), 0) as bigint)`,
      }
    case 'sum':
    case 'min':
    case 'max':
      return {
        partials: [{ name: name(0), sql: filter(sql`${sql.raw(agg)}(${col})`) }],
        final: sql`${sql.raw(agg)}(${ref(0)})`,
      }
    case 'avg':
      return {
        partials: [
          { name: name(0), sql: filter(sql`sum(${col})`) },
          { name: name(1), sql: filter(sql`count(${col})`) },
        ],
        final: sql`(sum(${ref(0)}) / nullif(sum(${ref(1)}), 0))`,
      }
    default:
      return undefined
  }
}
