import { coerceRow, csvLine, importable, isBlankRow, type ColumnMapping } from '@trellis/import-engine'
import { sql } from 'kysely'
import { createWriteStream } from 'node:fs'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { rowToJson } from '../records/record-json.js'
import { RecordWriter, type WriteContext } from '../records/record-store.js'
import { insertBatch } from './batch-insert.js'
import { updateBatch, type UpdateItem } from './batch-update.js'
import { resolveRelations } from './resolve-relations.js'
import type { ImportResult, RejectedRow } from './import-result.js'
import type { ImportJob, ImportStore } from './import-store.js'
import { mergeChanges, mergeRows, type MergePolicy } from './merge-policy.js'
import { jobRows } from './read-rows.js'
import { rejectUniqueConflicts } from './unique-in-file.js'

export interface RunOptions {
  /** Column index (as a string) → field key; unmapped columns are skipped. */
  mapping: Record<string, string>
  /** Business keys: rows with equal (normalized) values are one record, in the file and in the table. */
  keys: string[]
  /** Per-field merge policy for records that exist; `defaultPolicy` (fill_empty) for the others. */
  policy?: Record<string, MergePolicy>
  defaultPolicy?: MergePolicy
  dryRun?: boolean
  /** Relation field → key field of the related form that the cells name (`customer` → `phone`). */
  relations?: Record<string, string>
  /**
   * Emit `record.created`/`record.updated` outbox events for the imported records, so rules and
   * webhooks react to them as to records entered by hand. Default false: an import is usually history.
   */
  events?: boolean
}

/** One distinct record of the file, after merging the rows that share its key. */
export interface Pending {
  line: number
  values: Record<string, unknown>
}

/** Records per lookup, insert and update statement: larger batches measured faster up to about this size. */
const lookupBatch = 2000
const maxReported = 100
const keyTypes = new Set(['text', 'email', 'phone', 'number', 'decimal', 'date', 'select', 'relation', 'url'])

class DryRunDone extends Error {}

/**
 * Runs an import: reads the stored file once (streamed), rejects the rows that cannot be read, merges
 * rows sharing a business key, then, in one transaction, matches the distinct records against the table
 * by key and inserts, updates or leaves them. A database error on any row rolls the whole import back
 * (all or nothing); a dry run does all the work and rolls back at the end, so its counts are exact.
 */
export async function runImport(
  db: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  access: FormAccess,
  store: ImportStore,
  job: ImportJob,
  options: RunOptions,
  ctx: WriteContext,
): Promise<ImportResult> {
  access.require('import')
  const mapping = checkMapping(app, form, access, options)
  const policyOf = (field: string): MergePolicy =>
    options.policy?.[field] ?? options.defaultPolicy ?? 'fill_empty'
  const result: ImportResult = {
    dryRun: Boolean(options.dryRun),
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    merged: 0,
    rejected: 0,
    blank: 0,
    rejections: [],
  }
  const rejectedFile = createWriteStream(store.file(job.id, 'rejected'))
  rejectedFile.write('\uFEFF' + csvLine([...job.headers, '行号 line', '原因 reason']))
  // Rows rejected while reading are written at once; rows rejected later (their cells are no longer
  // held, to bound memory) are collected by line and copied from a second pass over the file.
  const late = new Map<number, string>()
  const reject = (row: { line: number; cells?: string[] }, rejection: Omit<RejectedRow, 'line'>) => {
    result.rejected++
    const entry = { line: row.line, ...rejection }
    if (result.rejections.length < maxReported) result.rejections.push(entry)
    const reason = `${rejection.code}: ${rejection.reason}`
    if (row.cells) rejectedFile.write(csvLine([...row.cells, row.line, reason]))
    else late.set(row.line, reason)
  }
  const events = options.events ?? false
  const columnName = (index: number | undefined) => (index === undefined ? undefined : job.headers[index])

  try {
    // 1. Read the file: coerce each row, merge rows with the same key.
    const pending = new Map<string, Pending>()
    const unkeyed: Pending[] = []
    let first = true
    for await (const row of jobRows(store, job)) {
      if (isBlankRow(row.cells)) {
        if (!first) result.blank++
        continue
      }
      if (first) {
        first = false
        if (job.hasHeader) continue
      }
      result.rows++
      if (row.truncated) {
        reject(row, {
          code: 'import.truncated_row',
          reason: 'The file ends inside this row (an unclosed quote)',
        })
        continue
      }
      if (row.oversized) {
        reject(row, { code: 'import.cell_too_large', reason: 'A cell is larger than 1,000,000 characters' })
        continue
      }
      const prepared = coerceRow(row.cells, mapping, form.schema)
      if (prepared.errors.length) {
        const e = prepared.errors[0]!
        const column = columnName(e.column)
        reject(row, {
          code: e.code,
          reason: prepared.errors.map((x) => `${columnName(x.column) ?? x.field}: ${x.message}`).join('; '),
          field: e.field,
          ...(column !== undefined ? { column } : {}),
        })
        continue
      }
      const entry: Pending = { line: row.line, values: prepared.values }
      if (!options.keys.length) {
        unkeyed.push(entry)
        continue
      }
      const key = options.keys.map((k) => prepared.values[k])
      if (key.some((v) => v === undefined)) {
        const missing = options.keys.filter((k) => prepared.values[k] === undefined)
        reject(row, {
          code: 'import.key_missing',
          reason: `No value for the key ${missing.join(', ')}`,
          field: missing[0]!,
        })
        continue
      }
      const id = JSON.stringify(key)
      const earlier = pending.get(id)
      if (earlier) {
        mergeRows(earlier.values, prepared.values, policyOf)
        result.merged++
      } else pending.set(id, entry)
    }

    // 2. Apply, all or nothing: per batch, one lookup, one relation check, one insert, one update.
    const writer = new RecordWriter(app, form, access)
    const entries = rejectUniqueConflicts(form, options.keys, [...pending.values(), ...unkeyed], reject)
    await db
      .transaction()
      .execute(async (trx) => {
        for (let offset = 0; offset < entries.length; offset += lookupBatch) {
          const batch = await resolveRelations(
            trx,
            app,
            form,
            mapping,
            options.relations ?? {},
            entries.slice(offset, offset + lookupBatch),
            reject,
          )
          const existing = options.keys.length
            ? await lookup(trx, app, form, access, options.keys, batch)
            : new Map<string, Existing>()
          const inserts: Array<Record<string, unknown>> = []
          const updates: UpdateItem[] = []
          for (const entry of batch) {
            const match = existing.get(keyOf(options.keys, entry.values))
            if (match) {
              const item = planUpdate(form, access, entry, match, policyOf, result, reject)
              if (item) updates.push(item)
            } else {
              const values = planInsert(writer, access, entry, reject)
              if (values) inserts.push(values)
            }
          }
          try {
            await insertBatch(trx, app, form, inserts, ctx.actor, events)
            await updateBatch(trx, app, form, updates, ctx.actor, events)
          } catch (error) {
            if (error instanceof AppError && error.statusCode < 500) {
              throw new AppError(
                409,
                'IMPORT_ABORTED',
                `${error.message}; nothing was imported`,
                error.path,
                { code: error.code },
              )
            }
            throw error
          }
          result.inserted += inserts.length
          result.updated += updates.length
        }
        // One audit entry for the whole import, in the same transaction as its rows.
        await sql`insert into trellis.audit_log (actor, app_key, form_key, record_id, action, before, after)
          values (${ctx.actor}, ${app.key}, ${form.schema.key}, '*', 'import', null, ${JSON.stringify({
            source: `import:${job.id}`,
            file: job.name,
            keys: options.keys,
            events,
            ...result,
            rejections: result.rejections.slice(0, 20),
          })}::jsonb)`.execute(trx)
        if (options.dryRun) throw new DryRunDone()
      })
      .catch((error: unknown) => {
        if (!(error instanceof DryRunDone)) throw error
      })
    if (late.size) {
      for await (const row of jobRows(store, job)) {
        const reason = late.get(row.line)
        if (reason !== undefined) rejectedFile.write(csvLine([...row.cells, row.line, reason]))
      }
    }
    return result
  } finally {
    await new Promise<void>((resolve) => rejectedFile.end(resolve))
  }
}

export type Rejector = (row: { line: number; cells?: string[] }, rejection: Omit<RejectedRow, 'line'>) => void

interface Existing {
  id: string
  version: number
  inScope: boolean
  values: Record<string, unknown>
}

const keyOf = (keys: string[], values: Record<string, unknown>) => JSON.stringify(keys.map((k) => values[k]))

function checkMapping(
  app: PublishedApp,
  form: CompiledForm,
  access: FormAccess,
  options: RunOptions,
): ColumnMapping {
  const mapping: ColumnMapping = {}
  const seen = new Set<string>()
  for (const [index, key] of Object.entries(options.mapping)) {
    const field = form.fields.get(key)
    if (!field || !importable(field)) {
      throw new AppError(
        400,
        'IMPORT_MAPPING_INVALID',
        `${key} is not a field that can be imported`,
        `mapping.${index}`,
      )
    }
    if (seen.has(key))
      throw new AppError(400, 'IMPORT_MAPPING_INVALID', `${key} is mapped twice`, `mapping.${index}`)
    seen.add(key)
    mapping[Number(index)] = key
  }
  access.checkWritable(Object.fromEntries([...seen].map((k) => [k, true])), 'mapping.')
  for (const [key, via] of Object.entries(options.relations ?? {})) {
    const field = form.fields.get(key)
    const parent = field?.relation ? app.form(field.relation.form) : undefined
    const viaField = parent?.fields.get(via)
    if (!seen.has(key) || !viaField || !keyTypes.has(viaField.type) || viaField.type === 'relation') {
      throw new AppError(
        400,
        'IMPORT_RELATION_INVALID',
        `${key} must be a mapped relation and ${via} a text, phone, email or number field of its form`,
        `relations.${key}`,
      )
    }
  }
  for (const key of options.keys) {
    const field = form.fields.get(key)
    if (!seen.has(key) || !field || !keyTypes.has(field.type)) {
      throw new AppError(
        400,
        'IMPORT_KEY_INVALID',
        `${key} must be a mapped text, phone, email, number or date field`,
        `keys`,
      )
    }
  }
  return mapping
}

/** The stored records matching a batch's keys, with whether each lies in the viewer's row scope. */
async function lookup(
  db: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  access: FormAccess,
  keys: string[],
  batch: Pending[],
): Promise<Map<string, Existing>> {
  const specs = keys.map((k) => form.columns.get(k)!)
  const arrays = specs.map((spec, i) => sql`${batch.map((e) => String(e.values[keys[i]!]))}::text[]`)
  const tuple = sql.join(specs.map((s) => sql`${sql.ref(`t.${s.column}`)}::text`))
  const aliases = keys.map((_, i) => sql.ref(`k${i}`))
  const { rows } = await sql<Record<string, unknown>>`select t.*, ${access.scopeSql('t')} as __in_scope
    from ${sql.table(`${app.schema}.${form.plan.table}`)} as t
    where t.deleted_at is null and (${tuple}) in (select ${sql.join(aliases)} from unnest(${sql.join(arrays)}) as u(${sql.join(aliases)}))`.execute(
    db,
  )
  const found = new Map<string, Existing>()
  for (const row of rows) {
    const values = rowToJson(row, form)
    found.set(keyOf(keys, values), {
      id: String(row.id),
      version: Number(row.version),
      inScope: Boolean(row.__in_scope),
      values,
    })
  }
  return found
}

function planUpdate(
  form: CompiledForm,
  access: FormAccess,
  entry: Pending,
  match: Existing,
  policyOf: (field: string) => MergePolicy,
  result: ImportResult,
  reject: Rejector,
): UpdateItem | undefined {
  if (!match.inScope) {
    reject(entry, {
      code: 'import.out_of_scope',
      reason: 'The key matches a record outside the rows you may change',
    })
    return undefined
  }
  const changes = mergeChanges(match.values, entry.values, policyOf)
  if (!Object.keys(changes).length) {
    result.unchanged++
    return undefined
  }
  if (!access.can('update')) {
    reject(entry, {
      code: 'import.update_forbidden',
      reason: 'The record exists and you may not update records',
    })
    return undefined
  }
  const checked = form.validate(changes, { mode: 'update', existing: match.values })
  if (!checked.ok) {
    const e = checked.errors[0]!
    reject(entry, { code: e.code, reason: `${e.path}: ${e.message}`, field: e.path })
    return undefined
  }
  if (!access.inScope({ ...match.values, ...checked.value })) {
    reject(entry, {
      code: 'import.out_of_scope',
      reason: 'The change would move the record outside your rows',
    })
    return undefined
  }
  return { id: match.id, version: match.version, before: match.values, changes: checked.value }
}

function planInsert(
  writer: RecordWriter,
  access: FormAccess,
  entry: Pending,
  reject: Rejector,
): Record<string, unknown> | undefined {
  if (!access.can('create')) {
    reject(entry, {
      code: 'import.create_forbidden',
      reason: 'No record has this key and you may not create records',
    })
    return undefined
  }
  let values: Record<string, unknown>
  try {
    values = writer.prepareCreate(entry.values)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    const first = (error.details as Array<{ path: string; code: string; message: string }> | undefined)?.[0]
    reject(entry, {
      code: first?.code ?? error.code,
      reason: first ? `${first.path}: ${first.message}` : error.message,
      ...(first ? { field: first.path } : {}),
    })
    return undefined
  }
  if (!access.inScope(values)) {
    reject(entry, {
      code: 'import.out_of_scope',
      reason: 'The record would lie outside the rows you may change',
    })
    return undefined
  }
  return values
}
