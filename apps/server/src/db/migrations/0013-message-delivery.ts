import { sql, type Kysely } from 'kysely'

/**
 * Store-and-forward delivery of rule messages through SMTP and HTTP gateways: `queued` messages are sent by
 * the dispatcher (messages/dispatcher.ts), with attempts, a retry time and the last error kept on the row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table trellis.messages
    add column attempts integer not null default 0,
    add column next_attempt_at timestamptz,
    add column sent_at timestamptz,
    add column last_error text`.execute(db)
  await sql`create index messages_queued_idx on trellis.messages (next_attempt_at, id) where status = 'queued'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index trellis.messages_queued_idx`.execute(db)
  await sql`alter table trellis.messages drop column attempts, drop column next_attempt_at,
    drop column sent_at, drop column last_error`.execute(db)
}
