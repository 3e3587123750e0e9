import { sql } from 'kysely'
import { PollLoop } from '../automation/poll-loop.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { MessageTransport, OutboundMessage } from './transports.js'

export interface DispatcherOptions {
  /** Messages claimed per round. */
  batch: number
  /** After this many failed attempts a message is `failed` (shown with its last error). */
  maxAttempts: number
  /** A claimed message not recorded as sent or failed by then (the process died) is claimed again. */
  leaseMs: number
  pollMs: number
}

export const defaultDispatcherOptions: DispatcherOptions = {
  batch: 50,
  maxAttempts: 5,
  leaseMs: 60_000,
  pollMs: 1000,
}

interface Claimed extends OutboundMessage {
  attempts: number
}

/** 10 s, 20 s, 40 s … capped at one hour, like rule jobs. */
export function retryDelayMs(attempt: number): number {
  return Math.min(10_000 * 2 ** (attempt - 1), 3_600_000)
}

/**
 * Store-and-forward: rule actions write messages in their own transaction (`queued` when a transport serves
 * their channel); this dispatcher claims due ones with `FOR UPDATE SKIP LOCKED` and a lease, sends each
 * outside any transaction, and records the outcome fenced by the attempt it claimed. Any number of
 * dispatchers (processes) may share the table. Delivery is at least once: a process that dies after sending
 * and before recording resends after the lease, with the same Message-ID / Idempotency-Key.
 */
export class MessageDispatcher {
  private readonly poller: PollLoop

  constructor(
    private readonly db: DynamicDb,
    private readonly transports: ReadonlyMap<string, MessageTransport>,
    private readonly now: () => Date,
    private readonly options: DispatcherOptions = defaultDispatcherOptions,
  ) {
    this.poller = new PollLoop(async () => {
      const r = await this.runDue()
      return r.sent + r.retried + r.failed > 0
    }, options.pollMs)
  }

  get channels(): string[] {
    return [...this.transports.keys()]
  }

  async runDue(): Promise<{ sent: number; retried: number; failed: number }> {
    const result = { sent: 0, retried: 0, failed: 0 }
    if (!this.transports.size) return result
    const now = this.now()
    const { rows } = await sql<Claimed>`
      update trellis.messages as m
      set attempts = m.attempts + 1, next_attempt_at = ${new Date(now.getTime() + this.options.leaseMs).toISOString()}::timestamptz
      where m.id in (
        select id from trellis.messages
        where status = 'queued' and channel = any(${this.channels}::text[])
          and (next_attempt_at is null or next_attempt_at <= ${now.toISOString()}::timestamptz)
        order by id limit ${this.options.batch}
        for update skip locked)
      returning m.id::text as id, m.channel, m.recipient as "to", m.subject, m.body, m.locale, m.attempts`.execute(
      this.db,
    )
    for (const message of rows) {
      const outcome = await this.transports
        .get(message.channel)!
        .send(message)
        .then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        )
      const fence = sql`id = ${message.id}::bigint and attempts = ${message.attempts} and status = 'queued'`
      if (outcome === undefined) {
        await sql`update trellis.messages set status = 'sent', sent_at = ${this.now().toISOString()}::timestamptz,
          next_attempt_at = null, last_error = null where ${fence}`.execute(this.db)
        result.sent++
      } else if (message.attempts >= this.options.maxAttempts) {
        await sql`update trellis.messages set status = 'failed', next_attempt_at = null, last_error = ${outcome}
          where ${fence}`.execute(this.db)
        result.failed++
      } else {
        const retryAt = new Date(this.now().getTime() + retryDelayMs(message.attempts)).toISOString()
        await sql`update trellis.messages set next_attempt_at = ${retryAt}::timestamptz, last_error = ${outcome}
          where ${fence}`.execute(this.db)
        result.retried++
      }
    }
    return result
  }

  /** The background loop of a running server (nothing to do without a transport). */
  start(onError: (error: unknown) => void = () => {}): void {
    if (this.transports.size) this.poller.start(onError)
  }

  stop(): Promise<void> {
    return this.poller.stop()
  }
}
