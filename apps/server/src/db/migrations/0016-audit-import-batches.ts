import { sql, type Kysely } from 'kysely'

/**
 * Records created by an import without events are audited one entry per batch (`import.created`, the new
 * ids in `after.ids`) instead of one entry per record: a record's history finds its entry through this
 * index. The log's time index becomes BRIN: the log is append-only, so `at` follows the physical order and
 * a BRIN index answers time ranges at a fraction of a B-tree's cost on every write.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index audit_log_import_ids_idx on trellis.audit_log using gin ((after -> 'ids'))
    where action = 'import.created'`.execute(db)
  await sql`drop index trellis.audit_log_at_idx`.execute(db)
  await sql`create index audit_log_at_idx on trellis.audit_log using brin (at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index trellis.audit_log_import_ids_idx`.execute(db)
  await sql`drop index trellis.audit_log_at_idx`.execute(db)
  await sql`create index audit_log_at_idx on trellis.audit_log (at)`.execute(db)
}
