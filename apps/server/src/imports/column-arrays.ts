import type { ColumnSpec } from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import { toColumnValue } from '../records/record-json.js'

/**
 * One column of a batch as a single array parameter for `unnest`, and how to read its element back as
 * the column's type. The SQL type comes from the form's column plan, never from a request. Array and
 * JSON columns travel as JSON text, because `unnest` would flatten a two-dimensional array (the same
 * approach as the template loader's `bulkInsert`).
 */
export function columnArray(
  spec: ColumnSpec,
  values: readonly unknown[],
): { param: RawBuilder<unknown>; read: (ref: RawBuilder<unknown>) => RawBuilder<unknown> } {
  if (spec.sqlType.endsWith('[]')) {
    return {
      param: sql`${values.map((v) => (v === undefined || v === null ? null : JSON.stringify(v)))}::jsonb[]`,
      read: (ref) =>
        sql`case when ${ref} is null then null else array(select jsonb_array_elements_text(${ref}))::${sql.raw(spec.sqlType)} end`,
    }
  }
  return {
    param: sql`${values.map((v) => toColumnValue(v, spec.sqlType) ?? null)}::${sql.raw(spec.sqlType)}[]`,
    read: (ref) => ref,
  }
}

/**
 * The columns of a batch as ONE JSON parameter read by `json_to_recordset`: serializing a batch with
 * `JSON.stringify` and parsing it in PostgreSQL costs a fraction of one array parameter per column
 * (which the driver escapes element by element, bench/import). Column names in the record are `c0…`;
 * SQL types come from the form's column plan, never from a request. Array and JSON columns are read as
 * jsonb and turned into the column's type as `columnArray` does.
 */
export function columnRecords(
  specs: ReadonlyArray<Pick<ColumnSpec, 'sqlType'>>,
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): { from: RawBuilder<unknown>; read: (index: number, alias: string) => RawBuilder<unknown> } {
  const names = specs.map((_, i) => `c${i}`)
  const structured = specs.map(
    (s) => s.sqlType.endsWith('[]') || s.sqlType === 'jsonb' || s.sqlType === 'json',
  )
  const objects = rows.map((values) => {
    const record: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) {
      const value = values[i]
      record[names[i]!] = value === undefined ? null : value
    }
    return record
  })
  const definition = sql.join(
    specs.map((spec, i) => sql`${sql.ref(names[i]!)} ${sql.raw(structured[i] ? 'jsonb' : spec.sqlType)}`),
  )
  return {
    from: sql`json_to_recordset(${JSON.stringify(objects)}::json) as u(${definition})`,
    read: (index, alias) => {
      const spec = specs[index]!
      const ref = sql.ref(`${alias}.${names[index]!}`)
      if (spec.sqlType.endsWith('[]')) {
        return sql`case when ${ref} is null then null else array(select jsonb_array_elements_text(${ref}))::${sql.raw(spec.sqlType)} end`
      }
      if (spec.sqlType === 'json') return sql`${ref}::json`
      return ref
    },
  }
}
