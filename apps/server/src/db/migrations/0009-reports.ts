import { sql, type Kysely } from 'kysely'

/**
 * Saved reports (a pivot spec with its chart) and dashboards (a layout of report widgets with global filters),
 * per app. They hold no data: every view runs the spec again with the viewer's access.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table trellis.reports (
    id bigint generated always as identity primary key,
    app_key text not null,
    name jsonb not null,
    spec jsonb not null,
    chart jsonb,
    version integer not null default 1,
    created_by text,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`.execute(db)
  await sql`create index reports_app_idx on trellis.reports (app_key, id)`.execute(db)
  await sql`create table trellis.dashboards (
    id bigint generated always as identity primary key,
    app_key text not null,
    name jsonb not null,
    filters jsonb not null,
    widgets jsonb not null,
    version integer not null default 1,
    created_by text,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`.execute(db)
  await sql`create index dashboards_app_idx on trellis.dashboards (app_key, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['dashboards', 'reports'])
    await db.schema.withSchema('trellis').dropTable(table).execute()
}
