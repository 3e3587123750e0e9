import { formatAutoNumber, type ColumnSpec } from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { autoNumberSequence } from '../records/record-store.js'
import { toColumnValue } from '../records/record-json.js'
import { initialRollupValue } from '../records/rollups.js'

/** A record ready for the table: its id and creation time kept from the source, values validated. */
export interface BulkRow {
  id: number
  createdAt: string
  values: Record<string, unknown>
}

/**
 * Rows per statement. Each column travels as one array parameter, so the statement has a fixed number
 * of parameters whatever the batch size; the batch only bounds the size of one message.
 */
const batchSize = 10_000

/**
 * One column's element type for `unnest`. The SQL type comes from the form's column plan (planned from
 * validated keys and a fixed set of types), never from a request. Array and JSON columns travel as JSON
 * text: `unnest` flattens a two-dimensional array instead of yielding one array per row.
 */
function elementType(spec: ColumnSpec): {
  param: string
  read: (ref: RawBuilder<unknown>) => RawBuilder<unknown>
} {
  if (spec.sqlType.endsWith('[]')) {
    return {
      param: 'jsonb',
      read: (ref) =>
        sql`case when ${ref} is null then null else array(select jsonb_array_elements_text(${ref}))::${sql.raw(spec.sqlType)} end`,
    }
  }
  return { param: spec.sqlType, read: (ref) => ref }
}

/**
 * Inserts many records into a form's typed table with a few multi-row statements: every column is one
 * array parameter expanded by `unnest`, so the values never touch the SQL text. Ids are the caller's
 * (`overriding system value`), and the identity and auto-number sequences are moved past them, so
 * records created later through the API continue the numbering.
 */
export async function bulkInsert(
  db: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  rows: readonly BulkRow[],
  actor: string | null,
): Promise<void> {
  if (!rows.length) return
  const table = sql.table(`${app.schema}.${form.plan.table}`)
  const fields = [...form.fields.values()].filter((f) => form.columns.has(f.key))
  const specs = fields.map((f) => form.columns.get(f.key)!)
  const types = specs.map(elementType)
  const autoNumbers = fields.filter((f) => f.type === 'auto_number')

  for (let offset = 0; offset < rows.length; offset += batchSize) {
    const batch = rows.slice(offset, offset + batchSize)
    const ids = batch.map((r) => r.id)
    const created = batch.map((r) => r.createdAt)
    const columns = fields.map((field, i) => {
      const spec = specs[i]!
      return batch.map((row) => {
        let value = row.values[field.key]
        if (field.type === 'auto_number') value = formatAutoNumber(field, row.id)
        else if (field.type === 'rollup' && value === undefined) value = initialRollupValue(field)
        if (value === undefined || value === null) return null
        return types[i]!.param === 'jsonb' ? JSON.stringify(value) : toColumnValue(value, spec.sqlType)
      })
    })
    const names = [
      'id',
      'created_at',
      'updated_at',
      'created_by',
      'updated_by',
      ...specs.map((s) => s.column),
    ]
    const params = [
      sql`${ids}::bigint[]`,
      sql`${created}::timestamptz[]`,
      sql`${batch.map(() => actor)}::text[]`,
      ...columns.map((values, i) => sql`${values}::${sql.raw(types[i]!.param)}[]`),
    ]
    const aliases = params.map((_, i) => `c${i}`)
    const selected = [
      sql.ref('u.c0'),
      sql.ref('u.c1'),
      sql.ref('u.c1'),
      sql.ref('u.c2'),
      sql.ref('u.c2'),
      ...types.map((type, i) => type.read(sql.ref(`u.c${i + 3}`))),
    ]
    await sql`insert into ${table} (${sql.join(names.map((n) => sql.ref(n)))}) overriding system value
      select ${sql.join(selected)} from unnest(${sql.join(params)}) as u(${sql.join(aliases.map((a) => sql.ref(a)))})`.execute(
      db,
    )
  }

  // Fresh statistics, or the planner guesses an empty table and rollups scan it once per parent.
  await sql`analyze ${table}`.execute(db)
  // Later inserts through the API must not collide with the ids and numbers given here.
  const maxId = rows.reduce((max, r) => Math.max(max, r.id), 0)
  await sql`select setval(pg_get_serial_sequence(${`${app.schema}.${form.plan.table}`}, 'id'), ${maxId})`.execute(
    db,
  )
  for (const field of autoNumbers) {
    const sequence = `${app.schema}.${autoNumberSequence(form.plan.table, form.columns.get(field.key)!.column)}`
    await sql`select setval(${sequence}::regclass, ${maxId})`.execute(db)
  }
}
