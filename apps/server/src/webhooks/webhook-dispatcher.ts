import { createHmac } from 'node:crypto'
import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { PollLoop } from '../automation/poll-loop.js'

/** Attempts before a delivery is given up (`failed`); the waits between them double from 10 s to 1 h. */
export const maxAttempts = 8
const firstWaitSeconds = 10
const maxWaitSeconds = 3600
const fanOutBatch = 500
const sendBatch = 20
const timeoutMs = 10_000

/** Seconds to wait after failed attempt number `attempt` (1-based). */
export function backoffSeconds(attempt: number): number {
  return Math.min(firstWaitSeconds * 2 ** (attempt - 1), maxWaitSeconds)
}

/**
 * `X-Trellis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's secret>`:
 * the receiver recomputes it and rejects old timestamps (replays).
 */
export function signature(secret: string, body: string, at: number): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`
}

type Send = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ status: number }>

/**
 * Delivers record events to the apps' webhooks. `fanOut` turns new outbox rows (after its own cursor,
 * so it does not disturb the rules' consumer) into one pending delivery per matching webhook, in one
 * transaction with the cursor; `deliverDue` posts due deliveries (locked with SKIP LOCKED), logging the
 * answer and retrying failures with backoff.
 */
export class WebhookDispatcher {
  private running: Promise<void> | undefined
  private readonly poller = new PollLoop(async () => {
    await this.runOnce()
    return false
  }, 2000)

  constructor(
    private readonly db: DynamicDb,
    private readonly send: Send = async (url, init) => {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
      await res.arrayBuffer().catch(() => undefined)
      return { status: res.status }
    },
  ) {}

  /** The background loop of a running server (started by `startServer`, like the rule worker). */
  start(onError: (error: unknown) => void = () => {}): void {
    this.poller.start(onError)
  }

  async stop(): Promise<void> {
    await this.poller.stop()
    await this.running
  }

  /** One pass: fan out new events, then deliver what is due. Passes never overlap. */
  async runOnce(now = new Date()): Promise<void> {
    while (this.running) await this.running
    this.running = (async () => {
      await this.fanOut(now)
      await this.deliverDue(now)
    })().finally(() => (this.running = undefined))
    await this.running
  }

  async fanOut(now = new Date()): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { rows: cursor } = await sql<{ outbox_id: string }>`select outbox_id::text as outbox_id
        from trellis.webhook_cursor where id = 1 for update`.execute(trx)
      const from = cursor[0]?.outbox_id ?? '0'
      const { rows } = await sql<{ last: string | null; n: number }>`
        with events as (
          select id, topic, payload from trellis.outbox where id > ${from}::bigint and topic like 'record.%'
          order by id limit ${fanOutBatch}
        ),
        d as (
          insert into trellis.webhook_deliveries (webhook_id, outbox_id, topic, payload, next_attempt_at)
          select w.id, e.id, e.topic, e.payload, ${now.toISOString()}::timestamptz from events e
          join trellis.webhooks w on w.active and w.app_key = e.payload->>'app'
            and (cardinality(w.topics) = 0 or e.topic = any(w.topics))
          on conflict do nothing
          returning 1
        )
        select (select max(id)::text from events) as last, (select count(*)::int from d) as n`.execute(trx)
      const last = rows[0]?.last
      if (last)
        await sql`update trellis.webhook_cursor set outbox_id = ${last}::bigint where id = 1`.execute(trx)
      return rows[0]?.n ?? 0
    })
  }

  async deliverDue(now = new Date()): Promise<void> {
    for (;;) {
      // Claimed in a short statement (a lease of a minute, SKIP LOCKED against other workers), sent
      // outside any transaction: the network never holds a connection or a lock.
      const lease = new Date(now.getTime() + 60_000).toISOString()
      const { rows } = await sql<{
        id: string
        topic: string
        payload: unknown
        attempts: number
        url: string
        secret: string
      }>`with due as (
          select id from trellis.webhook_deliveries
          where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by id limit ${sendBatch} for update skip locked
        )
        update trellis.webhook_deliveries d set next_attempt_at = ${lease}::timestamptz
        from due, trellis.webhooks w where d.id = due.id and w.id = d.webhook_id
        returning d.id::text as id, d.topic, d.payload, d.attempts, w.url, w.secret`.execute(this.db)
      for (const d of rows.sort((a, b) => Number(a.id) - Number(b.id))) await this.deliver(d, now)
      if (rows.length < sendBatch) return
    }
  }

  private async deliver(
    d: { id: string; topic: string; payload: unknown; attempts: number; url: string; secret: string },
    now: Date,
  ): Promise<void> {
    const body = JSON.stringify({ id: d.id, topic: d.topic, data: d.payload })
    const at = Math.floor(now.getTime() / 1000)
    let status: number | null = null
    let error: string | null = null
    try {
      status = (
        await this.send(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-trellis-event': d.topic,
            'x-trellis-delivery': d.id,
            'x-trellis-signature': signature(d.secret, body, at),
          },
          body,
        })
      ).status
      if (status < 200 || status >= 300) error = `HTTP ${status}`
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
    const attempts = d.attempts + 1
    const state = error === null ? 'delivered' : attempts >= maxAttempts ? 'failed' : 'pending'
    const next = new Date(now.getTime() + backoffSeconds(attempts) * 1000).toISOString()
    await sql`update trellis.webhook_deliveries set attempts = ${attempts}, status = ${state},
      last_status = ${status}, last_error = ${error}, next_attempt_at = ${next}::timestamptz,
      delivered_at = ${error === null ? now.toISOString() : null}::timestamptz
      where id = ${d.id}`.execute(this.db)
  }
}
