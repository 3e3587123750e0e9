import { sql, type Kysely } from 'kysely'

/**
 * Automation: durable jobs (claimed with FOR UPDATE SKIP LOCKED, leased, fenced by attempt), the run
 * log, stored messages, runtime rule switches and date-scan cursors.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table trellis.jobs (
      id bigint generated always as identity primary key,
      app_key text not null,
      rule_key text not null,
      record_id text,
      occurrence text not null,
      -- (rule, record, occurrence) runs at most once, across processes and restarts.
      idem_key text not null unique,
      payload jsonb not null default '{}',
      depth integer not null default 0,
      state text not null default 'pending' check (state in ('pending', 'running', 'done', 'dead')),
      due_at timestamptz not null,
      attempt integer not null default 0,
      max_attempts integer not null default 5,
      lease_until timestamptz,
      claimed_by text,
      last_error jsonb,
      created_at timestamptz not null,
      finished_at timestamptz
    )`.execute(db)
  // Only live jobs are scanned by the claim; done and dead ones stay out of the index.
  await sql`create index jobs_due_idx on trellis.jobs (due_at) where state in ('pending', 'running')`.execute(
    db,
  )
  await sql`create index jobs_app_state_idx on trellis.jobs (app_key, state, id)`.execute(db)
  await sql`
    create table trellis.rule_runs (
      id bigint generated always as identity primary key,
      job_id bigint,
      app_key text not null,
      rule_key text not null,
      record_id text,
      occurrence text,
      attempt integer not null default 0,
      depth integer not null default 0,
      outcome text not null,
      effects jsonb,
      error jsonb,
      at timestamptz not null
    )`.execute(db)
  await sql`create index rule_runs_app_idx on trellis.rule_runs (app_key, rule_key, id)`.execute(db)
  await sql`
    create table trellis.messages (
      id bigint generated always as identity primary key,
      app_key text not null,
      rule_key text,
      record_id text,
      job_id bigint,
      channel text not null,
      recipient text not null,
      locale text not null,
      subject text,
      body text not null,
      marketing boolean not null default false,
      status text not null,
      created_at timestamptz not null
    )`.execute(db)
  await sql`create index messages_app_idx on trellis.messages (app_key, id)`.execute(db)
  await sql`
    create table trellis.rule_switches (
      app_key text not null,
      rule_key text not null,
      enabled boolean not null,
      updated_at timestamptz not null default now(),
      primary key (app_key, rule_key)
    )`.execute(db)
  await sql`
    create table trellis.rule_cursors (
      app_key text not null,
      rule_key text not null,
      scanned_until timestamptz not null,
      primary key (app_key, rule_key)
    )`.execute(db)
  // Events written by a rule's own action carry its depth (set per transaction with set_config), so the
  // loop guard sees chains of rules triggering each other without changing how records are written.
  await sql`alter table trellis.outbox add column cause jsonb
    default (nullif(current_setting('trellis.rule_cause', true), '')::jsonb)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table trellis.outbox drop column cause`.execute(db)
  for (const table of ['rule_cursors', 'rule_switches', 'messages', 'rule_runs', 'jobs'])
    await sql`drop table trellis.${sql.raw(table)}`.execute(db)
}
