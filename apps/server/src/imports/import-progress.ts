import type { ImportResult } from './import-result.js'

/** What a client following an import sees (Server-Sent Events `progress`, `done`, `failed`). */
export type ProgressEvent =
  | { type: 'started'; resumedFrom: number }
  /** Reading the file: data rows read so far (the total is known once the file is read). */
  | { type: 'progress'; phase: 'reading'; rows: number }
  /** Writing: distinct records written of `total`, records per second and the seconds left at that rate. */
  | {
      type: 'progress'
      phase: 'writing'
      done: number
      total: number
      rate: number
      etaSeconds: number | null
    }
  | { type: 'done'; result: ImportResult }
  | { type: 'failed'; code: string; message: string }

type Listener = (event: ProgressEvent) => void

/** Events kept per job for late subscribers: enough for a whole run at one event per batch of 2,000. */
const keptEvents = 1000

/**
 * The progress of the imports running in this process. A subscriber first gets the events of the
 * job's current (or last) run, then follows it live, so a client may connect before, during or after
 * the run and always sees how it ends.
 */
export class ImportProgress {
  private readonly history = new Map<string, ProgressEvent[]>()
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly running = new Set<string>()

  isRunning(jobId: string): boolean {
    return this.running.has(jobId)
  }

  /** Marks the job running (false if it already is: one run per job at a time). */
  begin(jobId: string): boolean {
    if (this.running.has(jobId)) return false
    this.running.add(jobId)
    this.history.set(jobId, [])
    return true
  }

  end(jobId: string): void {
    this.running.delete(jobId)
  }

  emit(jobId: string, event: ProgressEvent): void {
    const events = this.history.get(jobId) ?? []
    events.push(event)
    if (events.length > keptEvents) events.splice(1, events.length - keptEvents)
    this.history.set(jobId, events)
    for (const listener of this.listeners.get(jobId) ?? []) listener(event)
  }

  /** Replays the job's last run, then follows it; returns the unsubscribe function. */
  subscribe(jobId: string, listener: Listener): () => void {
    for (const event of this.history.get(jobId) ?? []) listener(event)
    const set = this.listeners.get(jobId) ?? new Set<Listener>()
    set.add(listener)
    this.listeners.set(jobId, set)
    return () => {
      set.delete(listener)
      if (!set.size) this.listeners.delete(jobId)
    }
  }

  /** Whether the job's last run in this process ended (done or failed). */
  finished(jobId: string): boolean {
    const last = this.history.get(jobId)?.at(-1)
    return last?.type === 'done' || last?.type === 'failed'
  }
}

/** Writing-phase progress: rate since the run started, ETA at that rate. */
export function writingProgress(
  done: number,
  total: number,
  startedAt: number,
  now = Date.now(),
): ProgressEvent {
  const seconds = Math.max((now - startedAt) / 1000, 0.001)
  const rate = Math.round(done / seconds)
  return {
    type: 'progress',
    phase: 'writing',
    done,
    total,
    rate,
    etaSeconds: rate > 0 ? Math.ceil((total - done) / rate) : null,
  }
}
