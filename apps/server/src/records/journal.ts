import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'

export interface AuditEntry {
  actor: string | null
  app: string
  form: string
  recordId: string
  action: 'create' | 'update' | 'delete' | 'restore'
  before: unknown
  after: unknown
}

/**
 * The audit trail and the outbox, written in the caller's transaction: a record change, its audit
 * entry and its event commit or roll back together.
 */
export async function writeAudit(trx: DynamicDb, entry: AuditEntry): Promise<void> {
  await sql`insert into trellis.audit_log (actor, app_key, form_key, record_id, action, before, after)
    values (${entry.actor}, ${entry.app}, ${entry.form}, ${entry.recordId}, ${entry.action},
            ${entry.before === undefined ? null : JSON.stringify(entry.before)}::jsonb,
            ${entry.after === undefined ? null : JSON.stringify(entry.after)}::jsonb)`.execute(trx)
}

export async function emitEvent(trx: DynamicDb, topic: string, payload: unknown): Promise<void> {
  await sql`insert into trellis.outbox (topic, payload) values (${topic}, ${JSON.stringify(payload)}::jsonb)`.execute(
    trx,
  )
}
