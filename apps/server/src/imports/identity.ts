import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { rowToJson, type RecordJson } from '../records/record-json.js'
import { RecordWriter, type WriteContext } from '../records/record-store.js'
import { writeAuditEntry } from '../audit/audit-entry.js'

/** Field types records can be matched on. Text is compared without case, spaces and punctuation. */
const matchable = new Set(['text', 'long_text', 'phone', 'email', 'number', 'date', 'select', 'url'])
const maxGroups = 200

export interface DuplicateGroup {
  /** The shared (normalized) values, by field. */
  values: Record<string, string>
  /** Ids of the live records sharing them, oldest first. */
  ids: string[]
}

/**
 * Probable duplicates among the records the viewer may see: groups of live records whose `fields` are
 * all set and equal once normalized (phones are stored normalized already; text is compared lower-cased
 * without spaces or punctuation, so `浦东新区 张江路 88号` and `浦东新区张江路88号` match).
 */
export async function findDuplicates(
  db: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  access: FormAccess,
  fields: string[],
): Promise<DuplicateGroup[]> {
  access.require('read')
  if (!fields.length || fields.length > 4) {
    throw new AppError(400, 'DUPLICATE_FIELDS_INVALID', 'Name one to four fields to match on', 'fields')
  }
  const exprs = fields.map((key) => {
    const field = form.fields.get(key)
    const spec = form.columns.get(key)
    if (!field || !spec || !matchable.has(field.type) || !access.canSortOrFilter(key)) {
      throw new AppError(400, 'DUPLICATE_FIELDS_INVALID', `${key} cannot be matched on`, 'fields')
    }
    const ref = sql.ref(`t.${spec.column}`)
    return field.type === 'text' || field.type === 'long_text'
      ? sql`lower(regexp_replace(${ref}, '[[:space:][:punct:]，。、；：（）【】“”‘’－—·]', '', 'g'))`
      : sql`${ref}::text`
  })
  const aliases = fields.map((_, i) => sql.ref(`k${i}`))
  const { rows } = await sql<Record<string, string> & { ids: string[] }>`
    select ${sql.join(exprs.map((e, i) => sql`${e} as ${aliases[i]!}`))}, array_agg(t.id::text order by t.id) as ids
    from ${sql.table(`${app.schema}.${form.plan.table}`)} as t
    where t.deleted_at is null and ${access.scopeSql('t')} and ${sql.join(
      exprs.map((e) => sql`coalesce(${e}, '') <> ''`),
      sql` and `,
    )}
    group by ${sql.join(exprs)}
    having count(*) > 1
    order by count(*) desc, min(t.id)
    limit ${maxGroups}`.execute(db)
  return rows.map((row) => ({
    values: Object.fromEntries(fields.map((key, i) => [key, row[`k${i}`]!])),
    ids: row.ids.map(String),
  }))
}

export interface MergeResult {
  survivor: RecordJson
  /** Related records moved to the survivor, by `childForm.relationField`. */
  moved: Record<string, string[]>
  /** Fields of the survivor filled from the merged record (they were empty). */
  filled: string[]
}

/**
 * Merges record `loserId` into `survivorId`, in one transaction: every live record of the app pointing
 * at the loser through a relation (orders, tickets, tasks) is updated to point at the survivor (each an
 * ordinary audited update, rollups refreshed); the loser is deleted (to the trash); the survivor's empty
 * fields take the loser's values, and `values` set the ones chosen in review. One more audit entry
 * (`merge`, on the survivor) explains it: the merged record as it was, what moved, what was filled.
 * Both versions must be the ones reviewed (409 otherwise); the viewer needs update and delete here and
 * update on the related forms, within their row scope.
 */
export async function mergeRecords(
  db: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  accessOf: (form: CompiledForm) => FormAccess,
  input: {
    survivorId: string
    survivorVersion: number
    loserId: string
    loserVersion: number
    values?: Record<string, unknown>
  },
  ctx: WriteContext,
): Promise<MergeResult> {
  if (input.survivorId === input.loserId) {
    throw new AppError(400, 'MERGE_SAME_RECORD', 'A record cannot be merged into itself', 'from')
  }
  const access = accessOf(form)
  access.require('update')
  access.require('delete')
  const writer = new RecordWriter(app, form, access)
  return db.transaction().execute(async (trx) => {
    const survivorRow = await writer.read(trx, input.survivorId)
    const loserRow = await writer.read(trx, input.loserId)
    const reviewed = (row: Record<string, unknown>, id: string, version: number, path: string) => {
      if (Number(row.version) !== version) {
        throw new AppError(409, 'VERSION_CONFLICT', `Record ${id} changed since it was reviewed`, path)
      }
    }
    reviewed(survivorRow, input.survivorId, input.survivorVersion, 'version')
    reviewed(loserRow, input.loserId, input.loserVersion, 'fromVersion')
    const survivor = rowToJson(survivorRow, form)
    const loser = rowToJson(loserRow, form)

    const writable = (key: string) => {
      try {
        access.checkWritable({ [key]: true })
        return true
      } catch {
        return false
      }
    }
    const moved: Record<string, string[]> = {}
    for (const child of app.definition.forms) {
      if (child.archived) continue
      const childForm = app.form(child.key)
      for (const field of childForm.fields.values()) {
        if (field.type !== 'relation' || field.relation?.form !== form.schema.key) continue
        const spec = childForm.columns.get(field.key)!
        const { rows } = await sql<{ id: string; version: number }>`select id::text as id, version
          from ${sql.table(`${app.schema}.${childForm.plan.table}`)}
          where ${sql.ref(spec.column)} = ${input.loserId} and deleted_at is null order by id`.execute(trx)
        if (!rows.length) continue
        const childWriter = new RecordWriter(app, childForm, accessOf(childForm))
        for (const row of rows) {
          await childWriter.update(trx, row.id, Number(row.version), { [field.key]: input.survivorId }, ctx)
        }
        moved[`${child.key}.${field.key}`] = rows.map((r) => r.id)
      }
    }

    // Moving related records may have refreshed rollups (and versions) of both: checked above, under lock of this transaction.
    await writer.remove(trx, input.loserId, undefined, ctx)
    const changes: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(loser)) {
      const field = form.fields.get(key)
      const spec = form.columns.get(key)
      if (!field || !spec || spec.system || !writable(key)) continue
      if (['formula', 'rollup', 'auto_number'].includes(field.type)) continue
      const empty = (v: unknown) =>
        v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)
      if (empty(survivor[key]) && !empty(value)) changes[key] = value
    }
    const filled = Object.keys(changes)
    Object.assign(changes, input.values ?? {})
    const current = await writer.read(trx, input.survivorId)
    const updated = Object.keys(changes).length
      ? await writer.update(trx, input.survivorId, Number(current.version), changes, ctx, 'values.')
      : access.present(rowToJson(current, form))
    await writeAuditEntry(trx, {
      actor: ctx.actor,
      app: app.key,
      form: form.schema.key,
      record: input.survivorId,
      action: 'merge',
      before: loser,
      after: { merged: input.loserId, moved, filled, chosen: Object.keys(input.values ?? {}) },
    })
    return { survivor: updated as RecordJson, moved, filled }
  })
}
