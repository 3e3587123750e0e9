import { computeFormulas, formatAutoNumber } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { translateDbError } from '../records/db-errors.js'
import { mutateWithJournal } from '../records/journal.js'
import type { Row } from '../records/record-json.js'
import { autoNumberSequence } from '../records/record-store.js'
import { createdRows, initialRollupValue, refreshRollups } from '../records/rollups.js'
import { columnRecords } from './column-arrays.js'
import { importCreatedAction } from '../audit/record-audit.js'
import { writeAuditEntry } from '../audit/audit-entry.js'

/** Where a batch comes from, for its audit: an import job. */
export interface BatchSource {
  job: string
}

/**
 * Inserts validated records with one statement per batch: the batch is one JSON parameter read by
 * `json_to_recordset` (values never touch the SQL text; see `columnRecords`). With `events`, the same statement writes one audit entry
 * and one `record.created` outbox event per record (`mutateWithJournal`), exactly as single creates do.
 * Without events (an import of history, the default), the batch is audited by ONE entry,
 * `import.created`, naming the job and the new ids: the record's values are the row itself and the
 * job's stored file, and a per-record entry with a JSON copy of each row cost more than the insert itself
 * (docs/import-export.md). Ids come from the table's identity; auto-numbers are drawn from their sequence
 * in one round trip. Returns the inserted rows only when rollups must be refreshed from them.
 */
export async function insertBatch(
  trx: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  records: Array<Record<string, unknown>>,
  actor: string | null,
  events = true,
  source?: BatchSource,
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
  const keys = fields.map((f) => f.key)
  const batch = columnRecords(
    specs,
    full.map((r) => keys.map((key) => r[key])),
  )
  const table = sql.table(`${app.schema}.${form.plan.table}`)
  const feedsRollups = app.rollupsFedBy(form.schema.key).length > 0
  const insertInto = sql`insert into ${table} (created_by, updated_by, ${sql.join(specs.map((s) => sql.ref(s.column)))})
    select ${actor}, ${actor}, ${sql.join(specs.map((_, i) => batch.read(i, 'u')))}
    from ${batch.from}`
  if (!events && source) {
    let rows: Row[]
    try {
      // The ids come back as one array (one value to parse, not a row per record) unless rollups need rows.
      rows = feedsRollups
        ? (await sql<Row>`${insertInto} returning *`.execute(trx)).rows
        : ((
            await sql<{ ids: string[] | null }>`with r as (${insertInto} returning id)
              select array_agg(id::text order by id) as ids from r`.execute(trx)
          ).rows[0]!.ids?.map((id) => ({ id })) ?? [])
    } catch (error) {
      throw translateDbError(error, form, app)
    }
    await writeAuditEntry(trx, {
      actor,
      app: app.key,
      form: form.schema.key,
      record: '*',
      action: importCreatedAction,
      after: { source: `import:${source.job}`, ids: rows.map((row) => String(row.id)) },
    })
    if (feedsRollups) await refreshRollups(trx, app, form.schema.key, createdRows(rows))
    return feedsRollups ? rows : []
  }
  const insert = sql`${insertInto} returning *`
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
  if (feedsRollups) await refreshRollups(trx, app, form.schema.key, createdRows(rows))
  return rows
}
