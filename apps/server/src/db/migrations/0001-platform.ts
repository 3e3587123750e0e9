import { sql, type Kysely } from 'kysely'

// Migrations are written against `Kysely<any>` on purpose: they must keep compiling after the
// table types move on.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists trellis`.execute(db)
  await db.schema
    .withSchema('trellis')
    .createTable('apps')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'jsonb', (c) => c.notNull())
    .addColumn('draft', 'jsonb', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .withSchema('trellis')
    .createTable('app_versions')
    .addColumn('app_key', 'text', (c) => c.notNull().references('trellis.apps.key').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_by', 'text')
    .addPrimaryKeyConstraint('app_versions_pk', ['app_key', 'version'])
    .execute()
  await db.schema
    .withSchema('trellis')
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text')
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('form_key', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute()
  await db.schema
    .withSchema('trellis')
    .createIndex('audit_log_record_idx')
    .on('audit_log')
    .columns(['app_key', 'form_key', 'record_id', 'at'])
    .execute()
  await db.schema
    .withSchema('trellis')
    .createTable('outbox')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz')
    .execute()
  await sql`create index outbox_pending_idx on trellis.outbox (id) where processed_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema trellis cascade`.execute(db)
}
