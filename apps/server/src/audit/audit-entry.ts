import { sql, type QueryExecutorProvider } from 'kysely'

/** An entry of `trellis.audit_log` other than a record write (those are written with the write itself). */
export interface AuditEntry {
  actor: string | null
  app: string
  form: string
  /** The record concerned, `*` for a whole selection (an import, an export), '' for none. */
  record: string
  action: string
  before?: unknown
  after?: unknown
}

/**
 * Writes one audit entry on `db` — pass the transaction the audited change runs in, so the entry exists
 * exactly when the change does. The log is append-only (migration 0007).
 */
export async function writeAuditEntry(db: QueryExecutorProvider, entry: AuditEntry): Promise<void> {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value))
  await sql`insert into trellis.audit_log (actor, app_key, form_key, record_id, action, before, after)
    values (${entry.actor}, ${entry.app}, ${entry.form}, ${entry.record}, ${entry.action},
      ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb)`.execute(db)
}
