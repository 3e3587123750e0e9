import { computeFormulas, formatAutoNumber } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { translateDbError } from '../records/db-errors.js'
import { mutateWithJournal } from '../records/journal.js'
import type { Row } from '../records/record-json.js'
import { autoNumberSequence } from '../records/record-store.js'
import { initialRollupValue, refreshRollupsFor } from '../records/rollups.js'
import { columnArray } from './column-arrays.js'

/**
 * Inserts validated records with one statement per batch: every column is one array parameter expanded
 * by `unnest` (values never touch the SQL text), and the same statement writes one audit entry and one
 * `record.created` outbox event per record (`mutateWithJournal`), exactly as single creates do (the event
 * is left out when `events` is false). Ids
 * come from the table's identity; auto-numbers are drawn from their sequence in one round trip.
 */
export async function insertBatch(
  trx: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  records: Array<Record<string, unknown>>,
  actor: string | null,
  events = true,
): Promise<Row[]> {
  if (!records.length) return []
  const fields = [...form.fields.values()].filter((f) => {
    const spec = form.columns.get(f.key)
    return spec !== undefined && !spec.system
  })
  const full = records.map((values) => ({ ...values }))
  for (const field of fields) {
    if (field.type === 'auto_number') {
      const sequence = `${app.schema}.${autoNumberSequence(form.plan.table, field.key)}`
      const { rows } = await sql<{ n: string }>`select nextval(${sequence}::regclass) as n
        from generate_series(1, ${full.length})`.execute(trx)
      full.forEach((record, i) => (record[field.key] = formatAutoNumber(field, Number(rows[i]!.n))))
    } else if (field.type === 'rollup') {
      for (const record of full) record[field.key] = initialRollupValue(field)
    }
  }
  for (const record of full) Object.assign(record, computeFormulas(form.schema, record))

  const specs = fields.map((f) => form.columns.get(f.key)!)
  const arrays = fields.map((field, i) =>
    columnArray(
      specs[i]!,
      full.map((r) => r[field.key]),
    ),
  )
  const aliases = arrays.map((_, i) => sql.ref(`c${i}`))
  const table = sql.table(`${app.schema}.${form.plan.table}`)
  const insert = sql`insert into ${table} (created_by, updated_by, ${sql.join(specs.map((s) => sql.ref(s.column)))})
    select ${actor}, ${actor}, ${sql.join(arrays.map((a, i) => a.read(sql.ref(`u.c${i}`))))}
    from unnest(${sql.join(arrays.map((a) => a.param))}) as u(${sql.join(aliases)})
    returning *`
  let rows: Row[]
  try {
    rows = await mutateWithJournal(trx, insert, {
      actor,
      app: app.key,
      form,
      action: 'create',
      topic: 'record.created',
      before: null,
      events,
    })
  } catch (error) {
    throw translateDbError(error, form, app)
  }
  if (app.rollupsFedBy(form.schema.key).length) {
    for (const row of rows) await refreshRollupsFor(trx, app, form.schema.key, undefined, row)
  }
  return rows
}
