import { csvLine, importable, type ColumnMapping } from '@trellis/import-engine'
import { sql, type RawBuilder } from 'kysely'
import { createWriteStream } from 'node:fs'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { rowToJson } from '../records/record-json.js'
import { RecordWriter, type WriteContext } from '../records/record-store.js'
import { insertBatch } from './batch-insert.js'
import { columnRecords } from './column-arrays.js'
import { updateBatch, type UpdateItem } from './batch-update.js'
import { resolveRelations } from './resolve-relations.js'
import type { ImportResult, RejectedRow } from './import-result.js'
import type { ImportJob, ImportStore } from './import-store.js'
import { mergeChanges, type MergePolicy } from './merge-policy.js'
import { jobRows } from './read-rows.js'
import { distinctEntries, surveyFile } from './file-entries.js'
import {
  checkpoint,
  finishRun,
  noCounts,
  startRun,
  type ImportRun,
  type WrittenCounts,
} from './import-checkpoint.js'
import { writingProgress, type ProgressEvent } from './import-progress.js'
import { uniqueInFile } from './unique-in-file.js'
import { writeAuditEntry } from '../audit/audit-entry.js'
import { analyzeIfStale } from './table-statistics.js'

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
  /**
   * Commit batch by batch with a checkpoint (`trellis.import_runs`) instead of one transaction, so a run
   * interrupted by a crash can be resumed from its last committed batch. Ignored by dry runs.
   */
  resumable?: boolean
}

/** How a run reports itself and whether it continues an interrupted one. */
export interface RunControl {
  progress?: { emit(event: ProgressEvent): void }
  /** The checkpoint of the interrupted run to continue. */
  resume?: ImportRun
}

/**
 * Test seam: called after each committed batch of a resumable run with the records done so far. A
 * test throws from it to stop the run between batches as a killed process would.
 */
export const importFaults: { afterBatch?: (entriesDone: number) => void } = {}

/** One distinct record of the file, after merging the rows that share its key. */
export interface Pending {
  line: number
  values: Record<string, unknown>
  /** The cells of its (first) row, for the file of rejected rows. */
  cells?: string[]
}

/** Records per lookup, insert and update statement: larger batches measured faster up to about this size. */
const lookupBatch = 2000
const maxReported = 100
const keyTypes = new Set(['text', 'email', 'phone', 'number', 'decimal', 'date', 'select', 'relation', 'url'])

class DryRunDone extends Error {}

/**
 * Runs an import: reads the stored file twice, streamed (file-entries.ts: memory holds a key → line map
 * and the batch being written, not the file), rejects the rows that cannot be read, merges rows sharing a
 * business key, then, in one transaction, matches the distinct records against the table by key, batch
 * by batch, and inserts, updates or leaves them. A database error on any row rolls the whole import back
 * (all or nothing); a dry run does all the work and rolls back at the end, so its counts are exact.
 * A `resumable` run commits each batch with its checkpoint instead; `control.resume` continues one.
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
  control: RunControl = {},
): Promise<ImportResult> {
  access.require('import')
  const emit = (event: ProgressEvent) => control.progress?.emit(event)
  const resumable = Boolean(options.resumable) && !options.dryRun
  // Write-phase counts of this run's committed batches (restored from the checkpoint when resuming).
  const written: WrittenCounts = control.resume ? structuredClone(control.resume.counts) : noCounts()
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
  // Rejected rows are written with their cells at once; only the rejections restored from an interrupted
  // run's checkpoint have no cells at hand: they are collected by line and copied from the file at the end.
  const late = new Map<number, string>()
  // Rejections are reported as the file's (read while reading) before the writes' (relations, validation,
  // scope), each in line order; the second pass reads rows while batches are written, so two lists.
  const readRejections: RejectedRow[] = []
  const writeRejections: RejectedRow[] = []
  let writing = false
  const reject = (row: { line: number; cells?: string[] }, rejection: Omit<RejectedRow, 'line'>) => {
    result.rejected++
    const entry = { line: row.line, ...rejection }
    if (writing) {
      if (writeRejections.length < maxReported) writeRejections.push(entry)
    } else {
      // The first `maxReported` by line (the second pass finds rows the first one passed over).
      readRejections.push(entry)
      if (readRejections.length > maxReported) {
        readRejections.sort((a, b) => a.line - b.line)
        readRejections.length = maxReported
      }
    }
    const reason = `${rejection.code}: ${rejection.reason}`
    if (row.cells) rejectedFile.write(csvLine([...row.cells, row.line, reason]))
    else late.set(row.line, reason)
  }
  const reportedRejections = () =>
    [...readRejections.sort((a, b) => a.line - b.line), ...writeRejections].slice(0, maxReported)
  const events = options.events ?? false

  try {
    // 1. First pass: reject the rows that cannot be read, learn which keys occur on several lines.
    const settings = { store, job, form, mapping, keys: options.keys }
    const survey = await surveyFile(settings, result, reject, (rows) =>
      emit({ type: 'progress', phase: 'reading', rows }),
    )
    emit({ type: 'progress', phase: 'reading', rows: result.rows })
    writing = true
    await analyzeIfStale(db, app.schema, form.plan.table)
    // The second pass's own rejections (first rows of a key whose other cells cannot be read) are the file's.
    const rejectRead: Rejector = (row, rejection) => {
      writing = false
      reject(row, rejection)
      writing = true
    }

    // 2. Second pass: the distinct records in file order, per batch one lookup, one relation check, one
    // insert, one update. While a batch is written the next one is read and coerced (one batch in flight).
    const writer = new RecordWriter(app, form, access)
    const isUniqueInFile = uniqueInFile(form, options.keys, reject)
    const writeBatch = async (trx: DynamicDb, batchEntries: Pending[], rejectInBatch: Rejector) => {
      const batch = await resolveRelations(
        trx,
        app,
        form,
        mapping,
        options.relations ?? {},
        batchEntries,
        rejectInBatch,
      )
      const existing = options.keys.length
        ? await lookup(trx, app, form, access, options.keys, batch)
        : new Map<string, Existing>()
      const inserts: Array<Record<string, unknown>> = []
      const updates: UpdateItem[] = []
      const count = { unchanged: 0 }
      for (const entry of batch) {
        const match = existing.get(keyOf(options.keys, entry.values))
        if (match) {
          const item = planUpdate(form, access, entry, match, policyOf, count, rejectInBatch)
          if (item) updates.push(item)
        } else {
          const values = planInsert(writer, access, entry, rejectInBatch)
          if (values) inserts.push(values)
        }
      }
      try {
        await insertBatch(trx, app, form, inserts, ctx.actor, events, { job: job.id })
        await updateBatch(trx, app, form, updates, ctx.actor, events)
      } catch (error) {
        if (error instanceof AppError && error.statusCode < 500) {
          const kept = resumable
            ? `; the ${offsetDone} records of the earlier batches are kept and the import can be resumed`
            : '; nothing was imported'
          throw new AppError(409, 'IMPORT_ABORTED', `${error.message}${kept}`, error.path, {
            code: error.code,
          })
        }
        throw error
      }
      return { inserted: inserts.length, updated: updates.length, unchanged: count.unchanged }
    }
    const journalImport = async (trx: DynamicDb) => {
      result.rejections = reportedRejections()
      // One audit entry for the whole import, in the same transaction as its (last) rows.
      await writeAuditEntry(trx, {
        actor: ctx.actor,
        app: app.key,
        form: form.schema.key,
        record: '*',
        action: 'import',
        after: {
          source: `import:${job.id}`,
          file: job.name,
          keys: options.keys,
          events,
          ...(control.resume ? { resumedFrom: control.resume.entriesDone } : {}),
          ...result,
          rejections: result.rejections.slice(0, 20),
        },
      })
    }
    const startedAt = Date.now()
    // Records sent to batches so far (the checkpoint's position), and records taken from the file.
    const skip = resumable ? (control.resume?.entriesDone ?? 0) : 0
    let offsetDone = skip
    // Records taken from the file, and how many of them the last progress event counted as done.
    let taken = 0
    let reported = 0

    /** Streams the distinct records through `write`, batch by batch, one batch in flight. */
    const writeAll = async (write: (slice: Pending[], end: number) => Promise<void>) => {
      let inFlight: Promise<void> | undefined
      let batch: Pending[] = []
      let sent = 0
      const flush = async () => {
        const slice = batch
        const through = taken
        batch = []
        if (inFlight) await inFlight
        sent += slice.length
        const end = sent
        inFlight = write(slice, end).then(() => {
          offsetDone = end
          reported = through
          emit(writingProgress(through, survey.distinct, startedAt))
        })
        // Awaited at the next flush or at the end; this only keeps it from being reported as unhandled.
        inFlight.catch(() => {})
      }
      for await (const entry of distinctEntries(settings, survey, result, rejectRead, policyOf)) {
        taken++
        if (!isUniqueInFile(entry)) continue
        if (sent + batch.length < skip) {
          sent++
          continue
        }
        batch.push(entry)
        if (batch.length === lookupBatch) await flush()
      }
      if (batch.length) await flush()
      if (inFlight) await inFlight
    }

    if (resumable) {
      // Rows rejected by batches committed before the interruption: counted and listed again.
      result.rejected += written.rejected
      for (const r of written.rejections) {
        if (writeRejections.length < maxReported) writeRejections.push(r)
        late.set(r.line, `${r.code}: ${r.reason}`)
      }
      if (!control.resume) await startRun(db, job, options)
      await writeAll(async (slice, end) => {
        const rejectedHere: RejectedRow[] = []
        const rejectInBatch: Rejector = (row, rejection) => {
          reject(row, rejection)
          rejectedHere.push({ line: row.line, ...rejection })
        }
        await db.transaction().execute(async (trx) => {
          const done = await writeBatch(trx, slice, rejectInBatch)
          const next: WrittenCounts = {
            inserted: written.inserted + done.inserted,
            updated: written.updated + done.updated,
            unchanged: written.unchanged + done.unchanged,
            rejected: written.rejected + rejectedHere.length,
            rejections: [...written.rejections, ...rejectedHere],
          }
          await checkpoint(trx, job.id, end, next)
          Object.assign(written, next)
        })
        importFaults.afterBatch?.(end)
      })
      Object.assign(result, {
        inserted: written.inserted,
        updated: written.updated,
        unchanged: written.unchanged,
      })
      await db.transaction().execute(async (trx) => {
        await journalImport(trx)
        await finishRun(trx, job.id)
      })
    } else {
      await db
        .transaction()
        .execute(async (trx) => {
          await writeAll(async (slice) => {
            const done = await writeBatch(trx, slice, reject)
            result.inserted += done.inserted
            result.updated += done.updated
            result.unchanged += done.unchanged
          })
          await journalImport(trx)
          if (options.dryRun) throw new DryRunDone()
        })
        .catch((error: unknown) => {
          if (!(error instanceof DryRunDone)) throw error
        })
    }
    result.rejections = reportedRejections()
    if (reported !== survey.distinct) emit(writingProgress(survey.distinct, survey.distinct, startedAt))
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
  const tuple = sql.join(specs.map((s) => sql`${sql.ref(`t.${s.column}`)}::text`))
  let where: RawBuilder<unknown>
  if (keys.length === 1) {
    // One key: a JSON array of its values, which PostgreSQL reads several times faster than records.
    const key = keys[0]!
    const values = sql`select json_array_elements_text(${JSON.stringify(batch.map((e) => String(e.values[key])))}::json)`
    // An indexed text column is probed by its index for each value. The planner cannot be left to
    // choose: inside an import's transaction it believes the table small (its statistics lag behind the
    // rows the import wrote) and joined every batch against all of them, more for each batch.
    where =
      specs[0]!.indexed && specs[0]!.sqlType === 'text'
        ? sql`${sql.ref(`t.${specs[0]!.column}`)} = any(array(${values}))`
        : sql`(${tuple}) in (${values})`
  } else {
    const records = columnRecords(
      keys.map(() => ({ sqlType: 'text' })),
      batch.map((e) => keys.map((k) => String(e.values[k]))),
    )
    where = sql`(${tuple}) in (select ${sql.join(keys.map((_, i) => records.read(i, 'u')))} from ${records.from})`
  }
  const { rows } = await sql<Record<string, unknown>>`select t.*, ${access.scopeSql('t')} as __in_scope
    from ${sql.table(`${app.schema}.${form.plan.table}`)} as t
    where t.deleted_at is null and ${where}`.execute(db)
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
  count: { unchanged: number },
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
    count.unchanged++
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
