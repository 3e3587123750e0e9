import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'

export type RunOutcome =
  'succeeded' | 'condition_false' | 'skipped' | 'failed' | 'dead' | 'loop_stopped' | 'fanned_out'

export interface RunEntry {
  jobId?: string | null
  app: string
  rule: string
  recordId?: string | null
  occurrence?: string | null
  attempt?: number
  depth?: number
  outcome: RunOutcome
  effects?: unknown
  error?: unknown
  at: Date
}

/** Every run, whatever its outcome, leaves one row (written in the run's own transaction when it succeeds). */
export async function logRun(db: DynamicDb, entry: RunEntry): Promise<void> {
  await sql`insert into trellis.rule_runs (job_id, app_key, rule_key, record_id, occurrence, attempt, depth, outcome, effects, error, at)
    values (${entry.jobId ?? null}, ${entry.app}, ${entry.rule}, ${entry.recordId ?? null}, ${entry.occurrence ?? null},
      ${entry.attempt ?? 0}, ${entry.depth ?? 0}, ${entry.outcome},
      ${entry.effects === undefined ? null : JSON.stringify(entry.effects)}::jsonb,
      ${entry.error === undefined ? null : JSON.stringify(entry.error)}::jsonb, ${entry.at.toISOString()}::timestamptz)`.execute(
    db,
  )
}

/** Many runs in one statement (the outbox consumer logs a whole batch at once). */
export async function logRuns(db: DynamicDb, entries: readonly RunEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) {
    const rows = entries.slice(i, i + 500).map(
      (
        e,
      ) => sql`(${e.jobId ?? null}::bigint, ${e.app}, ${e.rule}, ${e.recordId ?? null}, ${e.occurrence ?? null},
        ${e.attempt ?? 0}, ${e.depth ?? 0}, ${e.outcome},
        ${e.effects === undefined ? null : JSON.stringify(e.effects)}::jsonb,
        ${e.error === undefined ? null : JSON.stringify(e.error)}::jsonb, ${e.at.toISOString()}::timestamptz)`,
    )
    await sql`insert into trellis.rule_runs (job_id, app_key, rule_key, record_id, occurrence, attempt, depth, outcome, effects, error, at)
      values ${sql.join(rows)}`.execute(db)
  }
}

export interface RunRow {
  id: string
  job_id: string | null
  app_key: string
  rule_key: string
  record_id: string | null
  occurrence: string | null
  attempt: number
  depth: number
  outcome: RunOutcome
  effects: unknown
  error: unknown
  at: Date
}

export async function listRuns(
  db: DynamicDb,
  app: string,
  options: { rule?: string; outcome?: string; limit: number; before?: string },
): Promise<RunRow[]> {
  const { rows } = await sql<RunRow>`select * from trellis.rule_runs where app_key = ${app}
    ${options.rule ? sql`and rule_key = ${options.rule}` : sql``}
    ${options.outcome ? sql`and outcome = ${options.outcome}` : sql``}
    ${options.before ? sql`and id < ${options.before}` : sql``}
    order by id desc limit ${options.limit}`.execute(db)
  return rows
}
