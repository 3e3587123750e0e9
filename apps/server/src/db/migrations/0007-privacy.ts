import { sql, type Kysely } from 'kysely'

/**
 * The audit log becomes append-only in the database itself: UPDATE and DELETE raise, except inside an
 * erasure, which scrubs personal data from old entries and says so in a new one. Consent is kept as a
 * history of grants and withdrawals per record and channel.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function trellis.audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if current_setting('trellis.erasure', true) = 'on' and tg_op = 'UPDATE' then
        return new;
      end if;
      raise exception 'trellis.audit_log is append-only' using errcode = '42501';
    end $$`.execute(db)
  await sql`create trigger audit_log_append_only before update or delete on trellis.audit_log
    for each row execute function trellis.audit_log_append_only()`.execute(db)
  await sql`create index audit_log_actor_idx on trellis.audit_log (actor, at)`.execute(db)
  await sql`create index audit_log_at_idx on trellis.audit_log (at)`.execute(db)

  await db.schema
    .withSchema('trellis')
    .createTable('consents')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('form_key', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('granted', 'boolean', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text')
    .execute()
  await sql`create index consents_record_idx on trellis.consents (app_key, form_key, record_id, channel, id)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('trellis').dropTable('consents').execute()
  await sql`drop trigger audit_log_append_only on trellis.audit_log`.execute(db)
  await sql`drop function trellis.audit_log_append_only()`.execute(db)
}
