import { computeFormulas } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { translateDbError } from '../records/db-errors.js'
import { recordJsonSql } from '../records/journal.js'
import type { Row } from '../records/record-json.js'
import { refreshRollups } from '../records/rollups.js'
import { columnRecords } from './column-arrays.js'

export interface UpdateItem {
  id: string
  version: number
  /** The record as read (API JSON). */
  before: Record<string, unknown>
  /** Validated changes (field key → value). */
  changes: Record<string, unknown>
}

/**
 * Applies many partial updates with one statement per batch (the batch is one JSON parameter read by
 * `json_to_recordset`). Each column carries a "set" flag and a value per row, so rows changing different
 * fields share the statement. Guarded by version like single
 * updates; the statement also writes one audit entry and one `record.updated` event per record with
 * its own before, after and changed fields (no event when `events` is false). A row whose version moved aborts the import (409).
 */
export async function updateBatch(
  trx: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  items: UpdateItem[],
  actor: string | null,
  events = true,
): Promise<void> {
  if (!items.length) return
  for (const item of items) {
    Object.assign(item.changes, computeFormulas(form.schema, { ...item.before, ...item.changes }))
  }
  const keys = [...new Set(items.flatMap((i) => Object.keys(i.changes)))].filter((k) => {
    const spec = form.columns.get(k)
    const field = form.fields.get(k)
    return spec && !spec.system && field && field.type !== 'rollup' && field.type !== 'auto_number'
  })
  const specs = keys.map((k) => form.columns.get(k)!)
  const changed = items.map((i) =>
    Object.keys(i.changes).filter(
      (k) => JSON.stringify(i.changes[k] ?? null) !== JSON.stringify(i.before[k] ?? null),
    ),
  )
  // One JSON parameter for the batch (see columnRecords): id, version, changed, then per column a "set"
  // flag and the value. The record as it was is not sent back: the statement reads it from the table
  // (the same row the version guard matches), which spared PostgreSQL parsing a JSON copy of every record.
  const columns = [
    { sqlType: 'bigint' },
    { sqlType: 'integer' },
    { sqlType: 'jsonb' },
    ...keys.map(() => ({ sqlType: 'boolean' })),
    ...specs,
  ]
  const batch = columnRecords(
    columns,
    items.map((item, n) => [
      item.id,
      item.version,
      changed[n],
      ...keys.map((k) => k in item.changes),
      ...keys.map((k) => item.changes[k]),
    ]),
  )
  const aliases = ['id', 'version', 'changed', ...keys.map((_, n) => `s${n}`), ...keys.map((_, n) => `v${n}`)]
  const sets = [
    sql`version = t.version + 1`,
    sql`updated_at = now()`,
    sql`updated_by = ${actor}`,
    ...specs.map(
      (spec, n) =>
        sql`${sql.ref(spec.column)} = case when u.${sql.ref(`s${n}`)} then u.${sql.ref(`v${n}`)} else t.${sql.ref(spec.column)} end`,
    ),
  ]
  const table = sql.table(`${app.schema}.${form.plan.table}`)
  // The ids again as an array, so the table is read by its index whatever the planner believes
  // of its size: inside an import's transaction its statistics lag behind (a table estimated at 58 rows
  // held 30,000, and the join read all of them for every batch of 2,000).
  const ids = `{${items.map((i) => i.id).join(',')}}`
  const meta = JSON.stringify({ app: app.key, form: form.schema.key })
  // Rows come back only when rollups must be refreshed from them; otherwise their count is enough.
  const feedsRollups = app.rollupsFedBy(form.schema.key).length > 0
  let rows: Row[] = []
  let count: number
  try {
    const result = await sql<Row & { __count?: number }>`
      with u as (select ${sql.join(aliases.map((a, i) => sql`${batch.read(i, 'u')} as ${sql.ref(a)}`))} from ${batch.from}),
      r as (
        update ${table} as t set ${sql.join(sets)} from u join ${table} as b on b.id = u.id
        where t.id = u.id and t.version = u.version and t.deleted_at is null
          and t.id = any(${ids}::bigint[])
        returning t.*, ${recordJsonSql(form, 'b')} as __before, u.changed as __changed
      ),
      j as (select r.*, ${recordJsonSql(form, 'r')} as __json from r),
      a as (
        insert into trellis.audit_log (actor, app_key, form_key, record_id, action, before, after)
        select ${actor}, ${app.key}, ${form.schema.key}, j.id::text, 'update', j.__before, j.__json from j
      ),
      o as (
        insert into trellis.outbox (topic, payload)
        select 'record.updated', ${meta}::jsonb || jsonb_build_object(
          'changed', j.__changed, 'id', j.id::text, 'before', j.__before, 'after', j.__json) from j
        where ${events}
      )
      ${feedsRollups ? sql`select * from j` : sql`select count(*)::int as __count from j`}`.execute(trx)
    if (feedsRollups) rows = result.rows
    count = feedsRollups ? rows.length : Number(result.rows[0]!.__count)
  } catch (error) {
    throw translateDbError(error, form, app)
  }
  if (count !== items.length) {
    throw new AppError(409, 'VERSION_CONFLICT', 'A record changed while the import ran; nothing was imported')
  }
  if (rows.length) {
    const byId = new Map(items.map((i) => [i.id, i]))
    await refreshRollups(
      trx,
      app,
      form.schema.key,
      rows.map((row) => ({ before: toRow(byId.get(String(row.id))!.before, form), after: row })),
    )
  }
}

/** API JSON → a row keyed by column, enough for `refreshRollupsFor` to find the old parent. */
function toRow(json: Record<string, unknown>, form: CompiledForm): Row {
  const row: Row = {}
  for (const [key, spec] of form.columns) if (key in json) row[spec.column] = json[key]
  return row
}
