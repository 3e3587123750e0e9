import {
  planSummaries,
  SUMMARY_COUNT_COLUMN,
  type AppDefinition,
  type SummaryPlan,
} from '@trellis/form-engine'
import { sql } from 'kysely'
import { createHash } from 'node:crypto'
import type { DynamicDb } from '../db/dynamic.js'

/**
 * Form summaries (see SummaryPlan in the form engine) as tables and triggers. The DDL is generated text —
 * a trigger body cannot take parameters — so every identifier goes through `ident`, which accepts only
 * the lower-case names the form engine's planners produce, and no value from a record ever appears in it.
 */

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/
const ident = (name: string): string => {
  if (!IDENT.test(name)) throw new Error(`refusing unexpected identifier ${JSON.stringify(name)}`)
  return `"${name}"`
}
const SQL_TYPE = /^(text|bigint|integer|boolean|date|double precision|numeric(\(\d{1,2}, ?\d{1,2}\))?)$/
const sumType = (sqlType: string) => {
  if (!SQL_TYPE.test(sqlType)) throw new Error(`refusing unexpected column type ${JSON.stringify(sqlType)}`)
  // sum(bigint) and sum(numeric) are numeric in PostgreSQL; a summary keeps what a plain sum() would return.
  return sqlType === 'double precision' ? 'double precision' : 'numeric'
}
const columnType = (sqlType: string) => {
  if (!SQL_TYPE.test(sqlType)) throw new Error(`refusing unexpected column type ${JSON.stringify(sqlType)}`)
  return sqlType
}

const ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/
/**
 * A dimension as read from the form's rows, named as its summary column: a date-time as the calendar day it
 * falls on in the summary's zone (a zone name is an IANA name, checked before it is written as a literal).
 */
function readDimensions(plan: SummaryPlan): string[] {
  return plan.dimensions.map((d) => {
    if (!d.localDay) return ident(d.column)
    if (!ZONE.test(plan.timeZone))
      throw new Error(`refusing unexpected time zone ${JSON.stringify(plan.timeZone)}`)
    return `cast(${ident(d.column)} at time zone '${plan.timeZone}' as date) as ${ident(d.column)}`
  })
}
const positions = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ')

/** What a summary table's comment says, so a republish can tell which summaries are current. */
const MARK = 'trellis-summary:v1:'
const marker = (plan: SummaryPlan) =>
  `${MARK}${createHash('sha256').update(plan.fingerprint).digest('hex').slice(0, 32)}:${plan.deltaTable}:${plan.fn}`

interface Names {
  schema: string
  table: string
  delta: string
  fn: string
}

const qualified = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`

/** The advisory lock (two int4 keys) held while a summary's changes are folded in. */
const summaryLockKey = (schema: string, plan: SummaryPlan) =>
  `hashtext('trellis.summary'), hashtext('${ident(schema).slice(1, -1)}.${ident(plan.table).slice(1, -1)}')`

/** The statements that fold the appended changes into the totals; run by the triggers now and then, or directly. */
export function compactionSql(schema: string, plan: SummaryPlan): string[] {
  const dims = plan.dimensions.map((d) => ident(d.column))
  const values = [SUMMARY_COUNT_COLUMN, ...plan.sums.flatMap((s) => [s.column, s.countColumn])].map(ident)
  const table = qualified(schema, plan.table)
  const delta = qualified(schema, plan.deltaTable)
  const all = [...dims, ...values]
  return [
    `with moved as (delete from ${delta} returning *),
      folded as (select ${dims.join(', ')}, ${values.map((v) => `sum(${v}) as ${v}`).join(', ')}
        from moved group by ${dims.join(', ')})
    insert into ${table} as b (${all.join(', ')}) select ${all.join(', ')} from folded
    on conflict (${dims.join(', ')}) do update set ${values.map((v) => `${v} = b.${v} + excluded.${v}`).join(', ')}`,
    `delete from ${table} where ${ident(SUMMARY_COUNT_COLUMN)} = 0`,
  ]
}

function triggerBody(schema: string, plan: SummaryPlan): string {
  const dims = plan.dimensions.map((d) => ident(d.column))
  const n = ident(SUMMARY_COUNT_COLUMN)
  const delta = qualified(schema, plan.deltaTable)
  const into = `insert into ${delta} (${[...dims, n, ...plan.sums.flatMap((s) => [ident(s.column), ident(s.countColumn)])].join(', ')})`
  const read = readDimensions(plan)
  const groupBy = `group by ${dims.join(', ')}`
  // One side of a change: every live row counted with `sign`, its sums field values summed.
  const side = (rows: string, sign: '' | '-') => {
    const values = [
      `${sign}count(*)`,
      ...plan.sums.flatMap((s) => [
        `${sign}coalesce(sum(${ident(s.column)}), 0)`,
        `${sign}count(${ident(s.column)})`,
      ]),
    ]
    return `select ${[...read, ...values].join(', ')} from ${rows} where deleted_at is null group by ${positions(read.length)}`
  }
  const updated = plan.sums.length
    ? `select ${dims.join(', ')}, sum(n), ${plan.sums.map((_, i) => `sum(s${i}), sum(c${i})`).join(', ')} from (
        select ${read.join(', ')}, 1 as n, ${plan.sums.map((s, i) => `coalesce(${ident(s.column)}, 0) as s${i}, (${ident(s.column)} is not null)::int as c${i}`).join(', ')}
          from new_rows where deleted_at is null
        union all
        select ${read.join(', ')}, -1, ${plan.sums.map((s) => `-coalesce(${ident(s.column)}, 0), -((${ident(s.column)} is not null)::int)`).join(', ')}
          from old_rows where deleted_at is null) x
      ${groupBy} having sum(n) <> 0 or ${plan.sums.map((_, i) => `sum(s${i}) <> 0 or sum(c${i}) <> 0`).join(' or ')}`
    : `select ${dims.join(', ')}, sum(n) from (
        select ${read.join(', ')}, 1 as n from new_rows where deleted_at is null
        union all select ${read.join(', ')}, -1 from old_rows where deleted_at is null) x
      ${groupBy} having sum(n) <> 0`
  const lockKey = summaryLockKey(schema, plan)
  return `begin
  if tg_op = 'INSERT' then
    ${into} ${side('new_rows', '')};
  elsif tg_op = 'DELETE' then
    ${into} ${side('old_rows', '-')};
  else
    ${into} ${updated};
  end if;
  -- Now and then, and never waiting: one transaction at a time folds the changes into the totals. Only
  -- under READ COMMITTED, where each statement sees what others committed before it.
  if random() < 0.1 and current_setting('transaction_isolation') = 'read committed'
    and pg_try_advisory_xact_lock(${lockKey}) then
    ${compactionSql(schema, plan).join(';\n    ')};
  end if;
  return null;
end`
}

async function existing(db: DynamicDb, schema: string): Promise<Map<string, string>> {
  const { rows } = await sql<{ name: string; mark: string }>`
    select c.relname as name, obj_description(c.oid, 'pg_class') as mark
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'r' and obj_description(c.oid, 'pg_class') like ${`${MARK}%`}`.execute(
    db,
  )
  return new Map(rows.map((r) => [r.name, r.mark]))
}

/** The changes table and trigger function a summary table's comment names. */
const namesOf = (schema: string, table: string, mark: string): Names => {
  const [delta = '', fn = ''] = mark.slice(MARK.length).split(':').slice(1)
  return { schema, table, delta, fn }
}

async function dropSummary(db: DynamicDb, names: Names): Promise<void> {
  await sql.raw(`drop function if exists ${qualified(names.schema, names.fn)}() cascade`).execute(db)
  await sql.raw(`drop table if exists ${qualified(names.schema, names.delta)}`).execute(db)
  await sql.raw(`drop table if exists ${qualified(names.schema, names.table)}`).execute(db)
}

/**
 * Before a publish's steps: drops the summaries the next definition no longer has, or has with another
 * layout (their triggers would otherwise fire on columns being changed).
 */
export async function dropStaleSummaries(db: DynamicDb, schema: string, next: AppDefinition): Promise<void> {
  const wanted = new Map(next.forms.flatMap((f) => planSummaries(f, next)).map((p) => [p.table, marker(p)]))
  for (const [table, mark] of await existing(db, schema)) {
    if (wanted.get(table) !== mark) await dropSummary(db, namesOf(schema, table, mark))
  }
}

/**
 * After a publish's steps: creates each missing summary — tables, trigger function, insert/update/delete
 * triggers, then the totals of the records already there. Inside the publish's transaction, which holds
 * the form's table locked from the first trigger on, so no write falls between the triggers and the totals.
 */
export async function createSummaries(db: DynamicDb, schema: string, next: AppDefinition): Promise<void> {
  const present = await existing(db, schema)
  for (const plan of next.forms.flatMap((f) => planSummaries(f, next))) {
    if (present.get(plan.table) === marker(plan)) continue
    const names = { schema, table: plan.table, delta: plan.deltaTable, fn: plan.fn }
    await dropSummary(db, names)
    const dims = plan.dimensions.map((d) => ident(d.column))
    const columns = [
      ...plan.dimensions.map((d) => `${ident(d.column)} ${columnType(d.sqlType)}`),
      `${ident(SUMMARY_COUNT_COLUMN)} bigint not null`,
      ...plan.sums.flatMap((s) => [
        `${ident(s.column)} ${sumType(s.sqlType)} not null`,
        `${ident(s.countColumn)} bigint not null`,
      ]),
    ].join(', ')
    const table = qualified(schema, plan.table)
    const source = qualified(schema, plan.source)
    const fn = qualified(schema, plan.fn)
    await sql.raw(`create table ${table} (${columns})`).execute(db)
    await sql.raw(`create table ${qualified(schema, plan.deltaTable)} (${columns})`).execute(db)
    await sql
      .raw(
        `create unique index ${ident(`${plan.table}_key`.slice(0, 63))} on ${table} (${dims.join(', ')}) nulls not distinct`,
      )
      .execute(db)
    await sql
      .raw(
        `create function ${fn}() returns trigger language plpgsql as $trellis$${triggerBody(schema, plan)}$trellis$`,
      )
      .execute(db)
    const trigger = (tag: string, event: string, referencing: string) =>
      sql
        .raw(
          `create trigger ${ident(`trellis_sum_${plan.key}_${tag}`)} after ${event} on ${source} referencing ${referencing} for each statement execute function ${fn}()`,
        )
        .execute(db)
    await trigger('i', 'insert', 'new table as new_rows')
    await trigger('u', 'update', 'old table as old_rows new table as new_rows')
    await trigger('d', 'delete', 'old table as old_rows')
    const all = [
      ...dims,
      ident(SUMMARY_COUNT_COLUMN),
      ...plan.sums.flatMap((s) => [ident(s.column), ident(s.countColumn)]),
    ]
    const totals = plan.sums.flatMap((s) => [
      `coalesce(sum(${ident(s.column)}), 0)`,
      `count(${ident(s.column)})`,
    ])
    await sql
      .raw(
        `insert into ${table} (${all.join(', ')}) select ${[...readDimensions(plan), 'count(*)', ...totals].join(', ')} from ${source} where deleted_at is null group by ${positions(plan.dimensions.length)}`,
      )
      .execute(db)
    await sql.raw(`comment on table ${table} is '${marker(plan)}'`).execute(db)
  }
}

/** Folds every pending change of the app's summaries into their totals (tests, and after bulk loads). */
export async function compactSummaries(db: DynamicDb, schema: string, app: AppDefinition): Promise<void> {
  for (const plan of app.forms.flatMap((f) => planSummaries(f, app))) {
    const fold = async (trx: DynamicDb) => {
      // Waits for a trigger's folding in progress rather than racing it for the same totals.
      await sql.raw(`select pg_advisory_xact_lock(${summaryLockKey(schema, plan)})`).execute(trx)
      for (const statement of compactionSql(schema, plan)) await sql.raw(statement).execute(trx)
    }
    await ('isTransaction' in db && db.isTransaction ? fold(db) : db.transaction().execute(fold))
  }
}
