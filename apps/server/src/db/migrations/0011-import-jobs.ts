import { sql, type Kysely } from 'kysely'

/**
 * Idempotency keys (a request sent twice with the same `Idempotency-Key` is answered once and replayed)
 * and import runs (the checkpoint of a resumable import, committed with each batch it counts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema('trellis')
    .createTable('idempotency_keys')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    // null while the first request is still being answered
    .addColumn('status', 'integer')
    .addColumn('content_type', 'text')
    .addColumn('body', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute()
  await sql`create index idempotency_keys_created_idx on trellis.idempotency_keys (created_at)`.execute(db)

  await db.schema
    .withSchema('trellis')
    .createTable('import_runs')
    .addColumn('job_id', 'text', (c) => c.primaryKey())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('form_key', 'text', (c) => c.notNull())
    .addColumn('options', 'jsonb', (c) => c.notNull())
    // running | done | failed
    .addColumn('state', 'text', (c) => c.notNull())
    // distinct records of the file already written (committed batches)
    .addColumn('entries_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('trellis').dropTable('import_runs').execute()
  await db.schema.withSchema('trellis').dropTable('idempotency_keys').execute()
}
