import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { RecordJson } from './record-json.js'

/** Audit actor taken from each row's `created_by`: one multi-row create may carry several users' rows. */
export const ACTOR_OF_ROW = Symbol('created_by')

export interface JournalEntry {
  actor: string | null | typeof ACTOR_OF_ROW
  app: string
  form: CompiledForm
  action: 'create' | 'update' | 'delete' | 'restore'
  topic: string
  /** The record as it was (JSON), for update, delete and restore. */
  before: RecordJson | null
  /** Extra outbox payload, e.g. `{ changed: [...] }`. */
  payload?: Record<string, unknown>
  /** False: audit entries only, no outbox event (an import of history that rules must not react to). */
  events?: boolean
}

const isoFormat = sql.lit('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')

/** One column as its API JSON value: exact numbers and ids as strings, timestamps as ISO 8601 in UTC. */
export function columnJson(alias: string, column: string, sqlType: string): RawBuilder<unknown> {
  const ref = sql.ref(`${alias}.${column}`)
  if (sqlType === 'bigint' || sqlType.startsWith('numeric')) return sql`${ref}::text`
  if (sqlType === 'timestamptz') return sql`to_char(${ref} at time zone 'UTC', ${isoFormat})`
  return ref
}

/**
 * The record's API JSON built by PostgreSQL itself (same shape as `rowToJson`), so the change, its audit
 * entry and its outbox event are one statement: one round trip, atomic without an explicit transaction.
 */
export function recordJsonSql(form: CompiledForm, alias: string): RawBuilder<unknown> {
  const pairs: RawBuilder<unknown>[] = []
  for (const [field, spec] of form.columns)
    pairs.push(sql`${sql.lit(field)}, ${columnJson(alias, spec.column, spec.sqlType)}`)
  // jsonb_build_object takes at most 100 arguments: build in chunks and concatenate.
  const chunks: RawBuilder<unknown>[] = []
  for (let i = 0; i < pairs.length; i += 40)
    chunks.push(sql`jsonb_build_object(${sql.join(pairs.slice(i, i + 40))})`)
  return sql.join(chunks, sql` || `)
}

/**
 * Runs `mutation` (an INSERT/UPDATE … RETURNING *) and, in the same statement, writes the audit entry
 * and the outbox event for every row it touched. Returns the rows with their JSON in `__json`; no row
 * (a lost optimistic-concurrency race) means no audit entry and no event.
 */
export type JournaledRow = Record<string, unknown> & { __json: RecordJson }

export async function mutateWithJournal(
  db: DynamicDb,
  mutation: RawBuilder<unknown>,
  entry: JournalEntry,
): Promise<JournaledRow[]> {
  const before = entry.before === null ? null : JSON.stringify(entry.before)
  const afterInAudit = entry.action === 'delete' ? sql`null::jsonb` : sql`j.__json`
  const payload = JSON.stringify({ app: entry.app, form: entry.form.schema.key, ...entry.payload })
  const eventBody =
    entry.action === 'delete'
      ? sql`jsonb_build_object('id', j.id::text, 'before', ${before}::jsonb)`
      : entry.before
        ? sql`jsonb_build_object('id', j.id::text, 'before', ${before}::jsonb, 'after', j.__json)`
        : sql`jsonb_build_object('id', j.id::text, 'after', j.__json)`
  const actor = entry.actor === ACTOR_OF_ROW ? sql`j.created_by` : sql`${entry.actor}`
  const { rows } = await sql<JournaledRow>`
    with r as (${mutation}),
    j as (select r.*, ${recordJsonSql(entry.form, 'r')} as __json from r),
    a as (
      insert into trellis.audit_log (actor, app_key, form_key, record_id, action, before, after)
      select ${actor}, ${entry.app}, ${entry.form.schema.key}, j.id::text, ${entry.action}, ${before}::jsonb, ${afterInAudit}
      from j
    ),
    o as (insert into trellis.outbox (topic, payload) select ${entry.topic}, ${payload}::jsonb || ${eventBody} from j
      where ${entry.events !== false})
    select * from j`.execute(db)
  return rows
}

export async function emitEvent(db: DynamicDb, topic: string, payload: unknown): Promise<void> {
  await sql`insert into trellis.outbox (topic, payload) values (${topic}, ${JSON.stringify(payload)}::jsonb)`.execute(
    db,
  )
}

/** Several events of one topic with one statement, in the order given. */
export async function emitEvents(db: DynamicDb, topic: string, payloads: readonly unknown[]): Promise<void> {
  if (!payloads.length) return
  if (payloads.length === 1) return emitEvent(db, topic, payloads[0])
  await sql`insert into trellis.outbox (topic, payload)
    select ${topic}, e from jsonb_array_elements(${JSON.stringify(payloads)}::jsonb) with ordinality as x(e, n)
    order by n`.execute(db)
}

/**
 * `mutateWithJournal` for an UPDATE … RETURNING * of many records at once, each with its own `before`,
 * extra event payload and event `cause` (matched by id): one audit entry and one `record.updated` event
 * per row written, in the same statement. The audit actor is each row's `updated_by`.
 */
export async function mutateManyWithJournal(
  db: DynamicDb,
  mutation: RawBuilder<unknown>,
  entry: {
    app: string
    form: CompiledForm
    actor: string | null
    rows: ReadonlyArray<{ id: string; before: RecordJson; payload: Record<string, unknown>; cause: unknown }>
  },
): Promise<JournaledRow[]> {
  const base = JSON.stringify({ app: entry.app, form: entry.form.schema.key })
  const meta = entry.rows.map(
    (row) =>
      sql`(cast(${row.id} as bigint), cast(${JSON.stringify(row.before)} as jsonb), cast(${JSON.stringify(row.payload)} as jsonb), cast(${row.cause === null ? null : JSON.stringify(row.cause)} as jsonb))`,
  )
  const { rows } = await sql<JournaledRow>`
    with r as (${mutation}),
    j as (select r.*, ${recordJsonSql(entry.form, 'r')} as __json from r),
    m(id, before, extra, cause) as (values ${sql.join(meta)}),
    a as (
      insert into trellis.audit_log (actor, app_key, form_key, record_id, action, before, after)
      select ${entry.actor}, ${entry.app}, ${entry.form.schema.key}, j.id::text, 'update', m.before, j.__json
      from j join m on m.id = j.id order by j.id
    ),
    o as (insert into trellis.outbox (topic, payload, cause)
      select 'record.updated', ${base}::jsonb || m.extra || jsonb_build_object('id', j.id::text, 'before', m.before, 'after', j.__json), m.cause
      from j join m on m.id = j.id order by j.id)
    select * from j`.execute(db)
  return rows
}
