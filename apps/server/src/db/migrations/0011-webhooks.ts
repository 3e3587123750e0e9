import { sql, type Kysely } from 'kysely'

/**
 * Outbound webhooks: subscriptions per app, a delivery log (one row per event and subscription, retried
 * with backoff) and the outbox position the dispatcher has fanned out up to.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema('trellis')
    .createTable('webhooks')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    // record.created, record.updated, … ; empty: every record event of the app
    .addColumn('topics', sql`text[]`, (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .withSchema('trellis')
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('webhook_id', 'bigint', (c) =>
      c.notNull().references('trellis.webhooks.id').onDelete('cascade'),
    )
    .addColumn('outbox_id', 'bigint', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    // pending | delivered | failed
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'outbox_id'])
    .execute()
  await sql`create index webhook_deliveries_due_idx on trellis.webhook_deliveries (next_attempt_at)
    where status = 'pending'`.execute(db)
  await db.schema
    .withSchema('trellis')
    .createTable('webhook_cursor')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('outbox_id', 'bigint', (c) => c.notNull())
    .execute()
  // Start at the current end of the outbox: webhooks see events from now on, not history.
  await sql`insert into trellis.webhook_cursor (id, outbox_id)
    select 1, coalesce(max(id), 0) from trellis.outbox`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('trellis').dropTable('webhook_cursor').execute()
  await db.schema.withSchema('trellis').dropTable('webhook_deliveries').execute()
  await db.schema.withSchema('trellis').dropTable('webhooks').execute()
}
