import type { CompiledForm } from '../apps/published-app.js'

/** A record as the API shows it: field keys to JSON values, `id` and relation ids as strings. */
export type RecordJson = Record<string, unknown> & { id: string; version: number }

export type Row = Record<string, unknown>

const systemKeys = [
  'id',
  'version',
  'created_at',
  'updated_at',
  'created_by',
  'updated_by',
  'deleted_at',
] as const

/**
 * Database row → API JSON. Drivers already return NUMERIC/BIGINT as exact strings and DATE as
 * 'YYYY-MM-DD'; timestamps become ISO strings so both backends answer byte-for-byte alike.
 */
export function rowToJson(row: Row, form: CompiledForm, only?: ReadonlySet<string>): RecordJson {
  const out: Record<string, unknown> = {}
  for (const key of systemKeys) {
    if (key in row) out[key] = toJsonValue(row[key])
  }
  for (const [field, column] of form.columns) {
    if (column.system) continue
    if (only && !only.has(field)) continue
    if (column.column in row) out[field] = toJsonValue(row[column.column])
  }
  out.id = String(row.id)
  return out as RecordJson
}

function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'bigint') return value.toString()
  return value ?? null
}

/** API JSON values (already validated and normalized by the form engine) → query parameters. */
export function toColumnValue(value: unknown, sqlType: string): unknown {
  if (value === undefined || value === null) return null
  if (sqlType === 'jsonb' || sqlType === 'json') return JSON.stringify(value)
  return value
}
