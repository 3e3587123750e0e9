import { sql, type Kysely } from 'kysely'

/**
 * Flows started by record events and by rules carry a start key (the outbox event or the rule run that
 * started them), unique per app, so one event or one run never starts the same flow twice. Tasks can be
 * delegated: the delegate acts on the task while the assignee keeps it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table trellis.flow_instances add column start_key text`.execute(db)
  await sql`create unique index flow_instances_start_key_idx on trellis.flow_instances (app_key, start_key)
    where start_key is not null`.execute(db)
  await sql`alter table trellis.flow_tasks add column delegated_to text`.execute(db)
  await sql`alter table trellis.flow_tasks add column delegated_by text`.execute(db)
  await sql`create index flow_tasks_delegated_idx on trellis.flow_tasks (delegated_to)
    where status = 'open' and delegated_to is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists trellis.flow_tasks_delegated_idx`.execute(db)
  await sql`alter table trellis.flow_tasks drop column if exists delegated_by`.execute(db)
  await sql`alter table trellis.flow_tasks drop column if exists delegated_to`.execute(db)
  await sql`drop index if exists trellis.flow_instances_start_key_idx`.execute(db)
  await sql`alter table trellis.flow_instances drop column if exists start_key`.execute(db)
}
