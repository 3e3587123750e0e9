import { sql, type Kysely } from 'kysely'

/**
 * Flow instances and what their effects leave behind: the task inbox, durable timers, pending service
 * actions, and a step log (every event fed to the engine, with its actor). The instance row keeps the
 * flow definition it started on, so a new published version never changes a running instance.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table trellis.flow_instances (
    id bigint generated always as identity primary key,
    app_key text not null,
    flow_key text not null,
    flow_version integer not null,
    definition jsonb not null,
    record_form text,
    record_id text,
    status text not null,
    state jsonb not null,
    version integer not null default 1,
    started_by text,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`.execute(db)
  await sql`create index flow_instances_flow_idx on trellis.flow_instances (app_key, flow_key, status, id)`.execute(
    db,
  )
  await sql`create index flow_instances_record_idx on trellis.flow_instances (app_key, record_form, record_id)`.execute(
    db,
  )

  await sql`create table trellis.flow_tasks (
    id bigint generated always as identity primary key,
    instance_id bigint not null references trellis.flow_instances (id) on delete cascade,
    task_key text not null,
    node_id text not null,
    name text,
    app_key text not null,
    assignee_kind text not null,
    assignee text,
    form text,
    outcomes jsonb not null,
    returned jsonb,
    status text not null default 'open',
    due_at timestamptz,
    outcome text,
    comment text,
    completed_by text,
    cancel_reason text,
    created_at timestamptz not null,
    closed_at timestamptz,
    unique (instance_id, task_key)
  )`.execute(db)
  await sql`create index flow_tasks_open_idx on trellis.flow_tasks (assignee_kind, assignee, app_key) where status = 'open'`.execute(
    db,
  )

  await sql`create table trellis.flow_timers (
    id bigint generated always as identity primary key,
    instance_id bigint not null references trellis.flow_instances (id) on delete cascade,
    timer_key text not null,
    node_id text not null,
    purpose text not null,
    due_at timestamptz not null,
    state text not null default 'pending',
    fired_at timestamptz,
    unique (instance_id, timer_key)
  )`.execute(db)
  await sql`create index flow_timers_due_idx on trellis.flow_timers (due_at, id) where state = 'pending'`.execute(
    db,
  )

  // Idempotency key per instance and node visit: the engine's action id is unique within the instance.
  await sql`create table trellis.flow_actions (
    id bigint generated always as identity primary key,
    instance_id bigint not null references trellis.flow_instances (id) on delete cascade,
    action_key text not null,
    node_id text not null,
    action jsonb not null,
    state text not null default 'pending',
    created_at timestamptz not null,
    unique (instance_id, action_key)
  )`.execute(db)

  await sql`create table trellis.flow_steps (
    id bigint generated always as identity primary key,
    instance_id bigint not null references trellis.flow_instances (id) on delete cascade,
    event text not null,
    actor text,
    at timestamptz not null,
    detail jsonb not null
  )`.execute(db)
  await sql`create index flow_steps_instance_idx on trellis.flow_steps (instance_id, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['flow_steps', 'flow_actions', 'flow_timers', 'flow_tasks', 'flow_instances'])
    await db.schema.withSchema('trellis').dropTable(table).execute()
}
