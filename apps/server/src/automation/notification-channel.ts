import { sql } from 'kysely'
import type { Channel } from '@trellis/rule-engine'
import type { DynamicDb } from '../db/dynamic.js'

export interface OutgoingMessage {
  app: string
  rule: string
  recordId: string | null
  jobId: string | null
  channel: Channel
  to: string
  subject?: string
  body: string
  locale: string
  marketing: boolean
}

/**
 * Where messages go. `deliver` runs inside the job's transaction, so an adapter that only writes rows
 * (the default) is exactly-once; an adapter that calls out (SMTP, an SMS gateway) should write its own
 * outbox row here and send from a job, never block the transaction on the network.
 */
export interface NotificationChannel {
  deliver(db: DynamicDb, message: OutgoingMessage, now: Date): Promise<{ id: string; status: string }>
}

/** Writes the message row (`stored`: kept for the UI; `queued`: to be sent by the message dispatcher). */
async function insertMessage(db: DynamicDb, m: OutgoingMessage, now: Date, status: 'stored' | 'queued') {
  const { rows } = await sql<{ id: string }>`insert into trellis.messages
    (app_key, rule_key, record_id, job_id, channel, recipient, locale, subject, body, marketing, status, created_at)
    values (${m.app}, ${m.rule}, ${m.recordId}, ${m.jobId}, ${m.channel}, ${m.to}, ${m.locale}, ${m.subject ?? null},
      ${m.body}, ${m.marketing}, ${status}, ${now.toISOString()}::timestamptz)
    returning id`.execute(db)
  return { id: String(rows[0]!.id), status }
}

/** The default: messages are stored in `trellis.messages` (shown in the UI), so everything works offline. */
export const storedMessages: NotificationChannel = {
  deliver: (db, m, now) => insertMessage(db, m, now, 'stored'),
}

/**
 * Messages of the channels an SMTP or HTTP gateway serves are queued for the dispatcher (still written in the
 * rule's transaction, so exactly once); the others are stored as by default.
 */
export function queuedMessages(channels: readonly string[]): NotificationChannel {
  const sent = new Set(channels)
  return { deliver: (db, m, now) => insertMessage(db, m, now, sent.has(m.channel) ? 'queued' : 'stored') }
}
