import type { LocalizedText, SelectOption } from '@trellis/form-engine'
import { readNames } from '@trellis/rule-engine'
import { sql, type RawBuilder } from 'kysely'
import { fail } from '../errors.js'
import type { DateBucket, Dimension } from '../types.js'
import { condition, summaryMiss, type FieldResolver, type ResolvedField } from './field-resolver.js'

export const DATE_BUCKETS: readonly DateBucket[] = ['day', 'week', 'month', 'quarter', 'year']
const OFFSET_UNITS = ['day', 'week', 'month'] as const

/** What toGrid, drillDown and charts need to know about a dimension, beyond the spec. */
export interface DimensionMeta {
  kind: 'value' | 'bucket' | 'bin' | 'offset' | 'case'
  path: string
  label: LocalizedText
  field?: string
  fieldType?: string
  bucket?: DateBucket
  bin?: { width: number; origin: number }
  options?: SelectOption[]
  cases?: Array<{ value: string; label?: LocalizedText; when: unknown }>
  otherwise?: { value: string; label?: LocalizedText }
}

export interface CompiledDimension {
  meta: DimensionMeta
  /** Expression over the `base` layer's columns. */
  sql: RawBuilder<unknown>
  /**
   * Set when `sql` reads these columns alone and they have few distinct values (dates, quantile scores): a
   * two-stage pivot may group its leaf cells by the columns and compute the dimension over those rows.
   */
  columns?: string[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Local calendar date of a date/datetime column in the app's zone. */
function localDate(field: ResolvedField, timeZone: string): RawBuilder<unknown> {
  const col = sql.ref(field.column)
  return field.type === 'datetime' ? sql`cast(${col} at time zone ${timeZone} as date)` : col
}

export function compileDimension(
  dimension: Dimension,
  path: string,
  resolver: FieldResolver,
): CompiledDimension {
  if (typeof dimension !== 'object' || dimension === null)
    return fail('invalid_spec', 'A dimension is an object', path)
  const label = dimension.label
  if ('cases' in dimension) return compileCase(dimension, path, resolver)
  if ('offset' in dimension) {
    const offset = dimension.offset as unknown
    if (!isObject(offset) || !OFFSET_UNITS.includes(offset.unit as (typeof OFFSET_UNITS)[number]))
      fail('invalid_spec', 'offset needs from, to and a unit (day, week, month)', `${path}.offset`)
    const { from: fromRef, to: toRef, unit } = offset as { from: unknown; to: unknown; unit: string }
    const from = dateField(resolver.resolve(fromRef, `${path}.offset.from`), `${path}.offset.from`)
    const to = dateField(resolver.resolve(toRef, `${path}.offset.to`), `${path}.offset.to`)
    const a = localDate(from, resolver.timeZone)
    const b = localDate(to, resolver.timeZone)
    const months = (d: RawBuilder<unknown>) =>
      sql`(cast(extract(year from ${d}) as integer) * 12 + cast(extract(month from ${d}) as integer))`
    const expr =
      unit === 'day'
        ? sql`(${b} - ${a})`
        : unit === 'week'
          ? sql`cast(floor((${b} - ${a}) / 7.0) as integer)`
          : sql`(${months(b)} - ${months(a)})`
    return {
      meta: { kind: 'offset', path, label: label ?? { 'zh-CN': '间隔', en: 'Offset' } },
      sql: expr,
    }
  }
  const field = resolver.resolve(dimension.field, `${path}.field`)
  // A summary's local days answer date buckets alone.
  if (field.localDay && dimension.bucket === undefined) summaryMiss(`${path}.field`)
  const col = sql.ref(field.column)
  const base = {
    path,
    label: label ?? field.label,
    field: field.ref,
    fieldType: field.sourceType ?? field.type,
  }
  if (field.type === 'json' || field.type === 'text_array')
    fail('type_mismatch', `"${field.ref}" cannot be a dimension`, `${path}.field`)
  if (dimension.bucket !== undefined && dimension.bin !== undefined)
    fail('invalid_spec', 'Use bucket or bin, not both', path)
  if (dimension.bucket !== undefined) {
    if (!DATE_BUCKETS.includes(dimension.bucket))
      fail('invalid_bucket', `Unknown bucket "${String(dimension.bucket)}"`, `${path}.bucket`)
    dateField(field, `${path}.field`)
    // The bucket is the local date its period starts on, in the app's zone; date_trunc's unit is a parameter.
    const local =
      field.type === 'datetime'
        ? sql`(${col} at time zone ${resolver.timeZone})`
        : sql`cast(${col} as timestamp)`
    return {
      meta: { ...base, kind: 'bucket', bucket: dimension.bucket },
      sql: sql`cast(date_trunc(${dimension.bucket}, ${local}) as date)`,
      ...(field.few ? { columns: [field.column] } : {}),
    }
  }
  if (dimension.bin !== undefined) {
    const { width, origin = 0 } = isObject(dimension.bin)
      ? dimension.bin
      : ({} as { width?: number; origin?: number })
    if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0)
      fail('invalid_spec', 'bin.width is a positive number', `${path}.bin.width`)
    if (typeof origin !== 'number' || !Number.isFinite(origin))
      fail('invalid_spec', 'bin.origin is a number', `${path}.bin.origin`)
    if (field.type !== 'number' && field.type !== 'decimal')
      fail('type_mismatch', 'Bins need a number field', `${path}.field`)
    // Exact arithmetic for numeric columns; floats stay floats.
    const type = field.sqlType === 'double precision' ? sql`double precision` : sql`numeric`
    const w = sql`cast(${width} as ${type})`
    const o = sql`cast(${origin} as ${type})`
    return {
      meta: { ...base, kind: 'bin', bin: { width: width!, origin } },
      sql: sql`(floor((${col} - ${o}) / ${w}) * ${w} + ${o})`,
    }
  }
  return {
    meta: { ...base, kind: 'value', ...(field.options ? { options: field.options } : {}) },
    sql: col,
  }
}

function dateField(field: ResolvedField, path: string): ResolvedField {
  if (field.type !== 'date' && field.type !== 'datetime')
    fail('type_mismatch', `"${field.ref}" is not a date or datetime field`, path)
  return field
}

function compileCase(
  dimension: Extract<Dimension, { cases: unknown }>,
  path: string,
  resolver: FieldResolver,
): CompiledDimension {
  if (!Array.isArray(dimension.cases) || dimension.cases.length === 0)
    fail('invalid_spec', 'cases lists at least one case', `${path}.cases`)
  const read = new Set<string>()
  const whens = dimension.cases.map((c, i) => {
    const cpath = `${path}.cases.${i}`
    if (!isObject(c) || typeof c.value !== 'string')
      fail('invalid_spec', 'A case needs a string value', cpath)
    const scope = resolver.scope(c.when, `${cpath}.when`, true)
    for (const name of readNames(c.when)) if (!name.startsWith('$')) read.add(name)
    const when = condition(c.when, scope, `${cpath}.when`)
    return sql`when ${when} then cast(${c.value} as text)`
  })
  // RFM segments read three scores of 1…5: grouped by them first, the cases run on at most 125 rows.
  const fields = [...read].map((name) => resolver.fields.get(name))
  const few = fields.every((f) => f?.few)
  const otherwise = dimension.otherwise
  if (otherwise !== undefined && (!isObject(otherwise) || typeof otherwise.value !== 'string'))
    fail('invalid_spec', 'otherwise needs a string value', `${path}.otherwise`)
  const elseSql = otherwise ? sql`else cast(${otherwise.value} as text)` : sql``
  return {
    meta: {
      kind: 'case',
      path,
      label: dimension.label ?? { 'zh-CN': '分组', en: 'Group' },
      cases: dimension.cases,
      ...(otherwise ? { otherwise } : {}),
    },
    sql: sql`(case ${sql.join(whens, sql` `)} ${elseSql} end)`,
    ...(few && fields.length ? { columns: [...new Set(fields.map((f) => f!.column))] } : {}),
  }
}
