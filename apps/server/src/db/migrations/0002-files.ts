import { sql, type Kysely } from 'kysely'

/** Uploaded files: bytes on disk (or an object store) under a random id; names are metadata only. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema('trellis')
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('trellis').dropTable('files').execute()
}
