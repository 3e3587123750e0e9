import { randomUUID } from 'node:crypto'
import type { DynamicDb } from '../db/dynamic.js'
import type { JobStore } from './job-store.js'
import { consumeOutbox } from './outbox-consumer.js'
import { CatalogSnapshot, type RuleCatalog } from './rule-catalog.js'
import { AggregateBatch } from './rule-aggregates.js'
import { runJob, type JobResult, type RunnerDeps } from './rule-runner.js'
import { scheduleDue } from './scheduler.js'
import { PollLoop } from './poll-loop.js'

export interface WorkerOptions {
  /** Jobs claimed per round. */
  batch: number
  /** Outbox events locked per consumer transaction. */
  eventBatch: number
  /** Jobs run at the same time by this worker (PGlite serializes anyway). */
  concurrency: number
  leaseMs: number
  /** Rule chains deeper than this are stopped and logged. */
  maxDepth: number
  pollMs: number
}

export const defaultWorkerOptions: WorkerOptions = {
  batch: 100,
  eventBatch: 250,
  concurrency: 4,
  leaseMs: 60_000,
  maxDepth: 5,
  pollMs: 1000,
}

export interface TickReport {
  events: number
  armed: number
  ran: Record<JobResult, number>
}

/**
 * One worker: arm time-based rules, turn outbox events into jobs, run due jobs. Tests call `runDue()`
 * or `drain()` after moving their clock; `start()` loops with the real clock in a running server.
 * Any number of workers (in one or many processes) may share a database.
 */
export class AutomationWorker {
  readonly id = `worker-${randomUUID().slice(0, 8)}`
  private readonly poller: PollLoop

  constructor(
    private readonly db: DynamicDb,
    private readonly jobs: JobStore,
    private readonly catalog: RuleCatalog,
    private readonly deps: RunnerDeps,
    readonly options: WorkerOptions = defaultWorkerOptions,
  ) {
    this.poller = new PollLoop(async () => {
      const r = await this.runDue()
      return r.events > 0 || Object.values(r.ran).some((n) => n > 0)
    }, options.pollMs)
  }

  async schedule(): Promise<number> {
    const snapshot = new CatalogSnapshot(this.catalog)
    return scheduleDue(
      this.db,
      this.jobs,
      snapshot,
      await this.catalog.publishedAppKeys(),
      this.deps.clock().now(),
    )
  }

  /** One round: schedule, consume every pending event, then run the jobs due now (one claimed batch). */
  async runDue(): Promise<TickReport> {
    const snapshot = new CatalogSnapshot(this.catalog)
    const now = this.deps.clock().now()
    const armed = await scheduleDue(this.db, this.jobs, snapshot, await this.catalog.publishedAppKeys(), now)
    let events = 0
    const consume = (inline: boolean) =>
      consumeOutbox(this.db, this.jobs, snapshot, now, {
        batch: this.options.eventBatch,
        maxDepth: this.options.maxDepth,
        ...(inline ? { inline: { channel: this.deps.channel } } : {}),
        ...(this.deps.flows?.() ? { flows: this.deps.flows()! } : {}),
      })
    for (let n = -1; n !== 0; events += n) {
      // The fast path runs database-only rules inline; if anything in the batch fails, the batch is
      // consumed again with every match turned into a job, which retries and dead-letters on its own.
      n = await consume(true).catch(() => consume(false))
    }
    const ran: Record<JobResult, number> = { done: 0, retry: 0, dead: 0, fenced: 0 }
    const claimed = await this.jobs.claim(this.id, now, this.options.batch, this.options.leaseMs)
    // Rules with aggregates compute them once for all their claimed jobs (one statement per rule).
    const aggregates = AggregateBatch.of(this.db, claimed)
    let next = 0
    const lane = async () => {
      while (next < claimed.length) {
        const job = claimed[next++]!
        ran[await runJob(this.deps, job, snapshot, aggregates)]++
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, claimed.length) }, lane))
    return { events, armed, ran }
  }

  /** Rounds until nothing is left to do now (events, newly armed rules, due jobs). */
  async drain(maxRounds = 1000): Promise<TickReport> {
    const total: TickReport = { events: 0, armed: 0, ran: { done: 0, retry: 0, dead: 0, fenced: 0 } }
    for (let round = 0; round < maxRounds; round++) {
      const r = await this.runDue()
      total.events += r.events
      total.armed += r.armed
      for (const k of Object.keys(r.ran) as JobResult[]) total.ran[k] += r.ran[k]
      if (r.events === 0 && r.armed === 0 && Object.values(r.ran).every((n) => n === 0)) break
    }
    return total
  }

  start(onError: (error: unknown) => void = () => {}): void {
    this.poller.start(onError)
  }

  /** Stops after the current round; a job interrupted by process death is re-claimed when its lease lapses. */
  stop(): Promise<void> {
    return this.poller.stop()
  }
}
