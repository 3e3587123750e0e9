import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'

export type JobState = 'pending' | 'running' | 'done' | 'dead'

export interface NewJob {
  app: string
  rule: string
  recordId: string | null
  occurrence: string
  dueAt: Date
  payload?: Record<string, unknown>
  depth?: number
  maxAttempts?: number
}

export interface Job {
  id: string
  app_key: string
  rule_key: string
  record_id: string | null
  occurrence: string
  idem_key: string
  payload: Record<string, unknown>
  depth: number
  state: JobState
  due_at: Date
  attempt: number
  max_attempts: number
  lease_until: Date | null
  claimed_by: string | null
  last_error: unknown
  created_at: Date
  finished_at: Date | null
}

/** The idempotency key of one (rule, record, occurrence): the same key can never be enqueued twice. */
export function idempotencyKey(job: Pick<NewJob, 'app' | 'rule' | 'recordId' | 'occurrence'>): string {
  return `${job.app}/${job.rule}/${job.recordId ?? '-'}/${job.occurrence}`
}

export class FencedError extends Error {
  readonly code = 'JOB_FENCED'
}

/** Retry delay after attempt n: 10 s, 20 s, 40 s … capped at one hour (no jitter: tests move the clock). */
export function backoffMs(attempt: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 3_600_000)
}

/**
 * Jobs are rows: enqueue is idempotent on the key, claim is `FOR UPDATE SKIP LOCKED` with a lease,
 * and every state change after a claim is fenced by the attempt number the claim returned, so a
 * worker whose lease lapsed (and whose job was claimed again) cannot complete or fail it.
 */
export class JobStore {
  constructor(private readonly db: DynamicDb) {}

  /** Inserts the jobs whose keys are new; returns how many were new. */
  async enqueue(db: DynamicDb, jobs: readonly NewJob[], now: Date): Promise<number> {
    if (!jobs.length) return 0
    let inserted = 0
    for (let i = 0; i < jobs.length; i += 500) {
      const rows = jobs.slice(i, i + 500).map(
        (j) =>
          sql`(${j.app}, ${j.rule}, ${j.recordId}, ${j.occurrence}, ${idempotencyKey(j)}, ${JSON.stringify(j.payload ?? {})}::jsonb,
            ${j.depth ?? 0}, ${j.dueAt.toISOString()}::timestamptz, ${j.maxAttempts ?? 5}, ${now.toISOString()}::timestamptz)`,
      )
      const result = await sql`insert into trellis.jobs
        (app_key, rule_key, record_id, occurrence, idem_key, payload, depth, due_at, max_attempts, created_at)
        values ${sql.join(rows)} on conflict (idem_key) do nothing`.execute(db)
      inserted += Number(result.numAffectedRows ?? 0)
    }
    return inserted
  }

  /** Claims up to `limit` due jobs (and jobs whose lease lapsed) for `worker`, each with a new attempt number. */
  async claim(worker: string, now: Date, limit: number, leaseMs: number): Promise<Job[]> {
    const at = now.toISOString()
    const { rows } = await sql<Job>`
      with c as (
        select id from trellis.jobs
        where state in ('pending', 'running') and due_at <= ${at}::timestamptz
          and (state = 'pending' or lease_until <= ${at}::timestamptz)
        order by due_at, id
        limit ${limit}
        for update skip locked
      )
      update trellis.jobs j
      set state = 'running', attempt = j.attempt + 1, claimed_by = ${worker},
        lease_until = ${at}::timestamptz + ${`${leaseMs} milliseconds`}::interval
      from c where j.id = c.id
      returning j.*`.execute(this.db)
    return rows.map(normalize).sort((a, b) => Number(a.id) - Number(b.id))
  }

  /** Whether this claim still holds the job (cheap check before an external side effect). */
  async holds(job: Pick<Job, 'id' | 'attempt'>): Promise<boolean> {
    const { rows } = await sql`select 1 from trellis.jobs
      where id = ${job.id} and attempt = ${job.attempt} and state = 'running'`.execute(this.db)
    return rows.length > 0
  }

  /** Marks the job done inside the caller's transaction; throws FencedError if the claim lapsed. */
  async complete(db: DynamicDb, job: Pick<Job, 'id' | 'attempt'>, now: Date): Promise<void> {
    const result =
      await sql`update trellis.jobs set state = 'done', finished_at = ${now.toISOString()}::timestamptz,
        lease_until = null, last_error = null
      where id = ${job.id} and attempt = ${job.attempt} and state = 'running'`.execute(db)
    if (Number(result.numAffectedRows ?? 0) !== 1)
      throw new FencedError(`Job ${job.id} attempt ${job.attempt} no longer holds its claim`)
  }

  /** Schedules a retry with backoff, or moves the job to the dead letters after its last attempt. */
  async fail(db: DynamicDb, job: Pick<Job, 'id' | 'attempt'>, error: unknown, now: Date): Promise<JobState> {
    const retryAt = new Date(now.getTime() + backoffMs(job.attempt)).toISOString()
    const { rows } = await sql<{ state: JobState }>`update trellis.jobs
      set state = case when attempt >= max_attempts then 'dead' else 'pending' end,
        due_at = case when attempt >= max_attempts then due_at else ${retryAt}::timestamptz end,
        finished_at = case when attempt >= max_attempts then ${now.toISOString()}::timestamptz else null end,
        lease_until = null, last_error = ${JSON.stringify(error)}::jsonb
      where id = ${job.id} and attempt = ${job.attempt} and state = 'running'
      returning state`.execute(db)
    if (!rows[0]) throw new FencedError(`Job ${job.id} attempt ${job.attempt} no longer holds its claim`)
    return rows[0].state
  }

  /** A dead job gets three more attempts, due now; the attempt counter keeps growing so fencing holds. */
  async retry(app: string, id: string, now: Date): Promise<Job | undefined> {
    const { rows } = await sql<Job>`update trellis.jobs
      set state = 'pending', due_at = ${now.toISOString()}::timestamptz, max_attempts = attempt + 3, finished_at = null
      where id = ${id} and app_key = ${app} and state = 'dead' returning *`.execute(this.db)
    return rows[0] && normalize(rows[0])
  }

  async list(app: string, options: { state?: JobState; rule?: string; limit: number }): Promise<Job[]> {
    const { rows } = await sql<Job>`select * from trellis.jobs where app_key = ${app}
      ${options.state ? sql`and state = ${options.state}` : sql``}
      ${options.rule ? sql`and rule_key = ${options.rule}` : sql``}
      order by id desc limit ${options.limit}`.execute(this.db)
    return (rows as Job[]).map(normalize)
  }
}

function normalize(row: Job): Job {
  return {
    ...row,
    id: String(row.id),
    attempt: Number(row.attempt),
    max_attempts: Number(row.max_attempts),
    depth: Number(row.depth),
  }
}
