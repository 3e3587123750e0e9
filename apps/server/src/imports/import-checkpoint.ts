import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import type { RejectedRow } from './import-result.js'
import type { RunOptions } from './run-import.js'

/** What the committed batches of a resumable run wrote (counts of the write phase only). */
export interface WrittenCounts {
  inserted: number
  updated: number
  unchanged: number
  rejected: number
  /** Rows rejected while writing (missing relation, validation, scope), with their lines. */
  rejections: RejectedRow[]
}

export interface ImportRun {
  jobId: string
  options: RunOptions
  state: 'running' | 'done'
  /** Distinct records of the file whose batches are committed. */
  entriesDone: number
  counts: WrittenCounts
}

export const noCounts = (): WrittenCounts => ({
  inserted: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  rejections: [],
})

/**
 * The checkpoint of a resumable import (`trellis.import_runs`): each batch updates it in the batch's own
 * transaction, so after a crash it says exactly which records are in the table.
 */
export async function readRun(db: DynamicDb, jobId: string): Promise<ImportRun | undefined> {
  const { rows } = await sql<{
    options: RunOptions
    state: 'running' | 'done'
    entries_done: number
    counts: WrittenCounts
  }>`select options, state, entries_done, counts from trellis.import_runs where job_id = ${jobId}`.execute(db)
  const row = rows[0]
  if (!row) return undefined
  return { jobId, options: row.options, state: row.state, entriesDone: row.entries_done, counts: row.counts }
}

export async function startRun(
  db: DynamicDb,
  job: { id: string; app: string; form: string },
  options: RunOptions,
): Promise<void> {
  await sql`insert into trellis.import_runs (job_id, app_key, form_key, options, state, entries_done, counts)
    values (${job.id}, ${job.app}, ${job.form}, ${JSON.stringify(options)}::jsonb, 'running', 0, ${JSON.stringify(noCounts())}::jsonb)
    on conflict (job_id) do update set options = excluded.options, state = 'running', entries_done = 0,
      counts = excluded.counts, updated_at = now()`.execute(db)
}

/** Records one more committed batch; runs in the batch's transaction. */
export async function checkpoint(
  trx: DynamicDb,
  jobId: string,
  entriesDone: number,
  counts: WrittenCounts,
): Promise<void> {
  await sql`update trellis.import_runs set entries_done = ${entriesDone}, counts = ${JSON.stringify(counts)}::jsonb,
    updated_at = now() where job_id = ${jobId}`.execute(trx)
}

export async function finishRun(trx: DynamicDb, jobId: string): Promise<void> {
  await sql`update trellis.import_runs set state = 'done', updated_at = now() where job_id = ${jobId}`.execute(
    trx,
  )
}
