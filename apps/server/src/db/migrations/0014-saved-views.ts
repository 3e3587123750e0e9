import { sql, type Kysely } from 'kysely'

/**
 * Saved record views of the workspace's tables (columns, sort, filter, grouping), per user, or shared with
 * everyone holding one role in the app. Also an index for the 360° view's messages of one record.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table trellis.saved_views (
    id bigint generated always as identity primary key,
    app_key text not null,
    form_key text not null,
    name text not null,
    owner_id text not null,
    owner text not null,
    shared_role text,
    spec jsonb not null,
    version integer not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`.execute(db)
  await sql`create index saved_views_form_idx on trellis.saved_views (app_key, form_key, id)`.execute(db)
  await sql`create index messages_record_idx on trellis.messages (app_key, record_id, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index trellis.messages_record_idx`.execute(db)
  await db.schema.withSchema('trellis').dropTable('saved_views').execute()
}
