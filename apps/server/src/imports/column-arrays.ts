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
