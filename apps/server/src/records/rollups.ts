import { conditionToSql, fieldOfName, readNames } from '@trellis/rule-engine'
import { computeFormulas, toConditionScope, type FieldDef, type RollupDef } from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm, PublishedApp, RollupFeed } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { columnJson, emitEvents } from './journal.js'
import { rowToJson, type Row } from './record-json.js'

/** Aggregates allowed in a rollup, each a fixed SQL shape (no name from the definition reaches SQL). */
function aggregate(rollup: RollupDef, column: RawBuilder<unknown> | undefined): RawBuilder<unknown> {
  switch (rollup.aggregate) {
    case 'count':
      return sql`count(*)`
    case 'sum':
      // A customer with no orders has spent 0, not "unknown".
      return sql`coalesce(sum(${column}), 0)`
    case 'avg':
      return sql`avg(${column})`
    case 'min':
      return sql`min(${column})`
    case 'max':
      return sql`max(${column})`
  }
}

/**
 * The rollup's value for the parent row aliased `p`, as a scalar subquery over its live child rows (aliased
 * `c`) that also satisfy `childCondition` (a viewer's row scope, or `true`).
 */
export function rollupSubquery(
  app: PublishedApp,
  field: FieldDef,
  childCondition: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const { rollup, measured, children } = childrenOf(app, field)
  return sql`(select ${aggregate(rollup, measured)} ${children} and ${childCondition})`
}

/**
 * `from … where …` over the live child rows of the parent aliased `p` that satisfy the rollup's condition
 * (aliased `c`), and the measured column.
 */
function childrenOf(app: PublishedApp, field: FieldDef) {
  const rollup = field.rollup!
  const child = app.form(rollup.form)
  const childTable = sql.table(`${app.schema}.${child.plan.table}`)
  const via = child.columns.get(rollup.via)!.column
  const measured = rollup.field ? sql.ref(`c.${child.columns.get(rollup.field)!.column}`) : undefined
  const where = rollup.where
    ? conditionToSql(rollup.where, toConditionScope(child.schema, { alias: 'c', app: app.definition }))
    : sql`true`
  const children = sql`from ${childTable} as c
    where c.${sql.ref(via)} = p.id and c.deleted_at is null and ${where}`
  return { rollup, measured, children }
}

/**
 * Recomputes one rollup field for the given parents (or every parent) from the live child rows.
 * Recomputing from the source, rather than adding deltas, keeps the value right whatever happened:
 * a child created, moved to another parent, edited, deleted or restored.
 * Returns the parents whose value changed.
 */
export async function recomputeRollup(
  trx: DynamicDb,
  app: PublishedApp,
  feed: RollupFeed,
  parentIds?: readonly string[],
): Promise<Array<{ id: string; before: unknown; after: unknown }>> {
  const parentTable = sql.table(`${app.schema}.${feed.parent.plan.table}`)
  const target = feed.parent.columns.get(feed.field.key)!.column
  const scope = parentIds ? sql`p.id = any(${[...parentIds]}::bigint[])` : sql`true`

  const before =
    await sql<Row>`select p.id, p.${sql.ref(target)} as value from ${parentTable} as p where ${scope}`.execute(
      trx,
    )
  const after = await sql<Row>`
    update ${parentTable} as p set ${sql.ref(target)} = ${rollupSubquery(app, feed.field, sql`true`)}
    where ${scope}
    returning p.id, p.${sql.ref(target)} as value`.execute(trx)
  const old = new Map(before.rows.map((r) => [String(r.id), normalize(r.value)]))
  return after.rows
    .map((r) => ({ id: String(r.id), before: old.get(String(r.id)) ?? null, after: normalize(r.value) }))
    .filter((change) => change.before !== change.after)
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  return value ?? null
}

/** A child record as it was and as it is: no `before` for a create, no `after` for a hard delete. */
export interface ChildChange {
  before: Row | undefined
  after: Row | undefined
}

/** Creates of at most this many children add their share to count, sum, min and max rollups. */
const incrementalLimit = 100
const incremental = new Set<RollupDef['aggregate']>(['count', 'sum', 'min', 'max'])

/** New child rows as changes (nothing before them). */
export const createdRows = (rows: readonly Row[]): ChildChange[] =>
  rows.map((row) => ({ before: undefined, after: row }))

/** After a child record changed: refresh every rollup it feeds, for its old and its new parent. */
export async function refreshRollupsFor(
  trx: DynamicDb,
  app: PublishedApp,
  childForm: string,
  before: Row | undefined,
  after: Row | undefined,
): Promise<void> {
  await refreshRollups(trx, app, childForm, [{ before, after }])
}

/**
 * After child records changed (one, or a batch: a bulk create, an import): refresh the rollups they feed,
 * with two statements per parent form whatever the number of rollups and children. The first locks the
 * parents (in id order, so writers cannot deadlock; `for no key update`, the lock the update takes, which
 * the key-share locks of new children's foreign keys do not block) and reads their values; the second
 * sets every rollup.
 * Locking first is what keeps totals right under concurrent writes: an UPDATE that waits for a row lock
 * keeps the snapshot it started with, so a total recomputed inside it missed the children committed by
 * the writer it waited for (24 orders written at once for one customer counted 19). After the lock, the
 * next statement sees them. Creates of a few children (an order entered by hand) add their share to
 * count, sum, min and max, reading the new rows by id, instead of aggregating all of the parent's children
 * (a store's revenue summed its thousands of orders for every new one); the other changes recompute.
 */
export async function refreshRollups(
  trx: DynamicDb,
  app: PublishedApp,
  childForm: string,
  changes: readonly ChildChange[],
): Promise<void> {
  const feeds = app.rollupsFedBy(childForm)
  if (!feeds.length || !changes.length) return
  const child = app.form(childForm)
  // An edit that leaves every column a rollup reads alone (a customer's tier, for the store's customer
  // count) refreshes nothing: recomputing would only lock the parent, often the busiest row there is.
  const moves = (feed: RollupFeed, { before, after }: ChildChange) => {
    if (!before || !after) return true
    const columns = rollupColumns(app, feed)
    return !columns || columns.some((column) => !sameValue(before[column], after[column]))
  }
  const created =
    changes.length <= incrementalLimit && changes.every((c) => !c.before && c.after)
      ? changes.map((c) => String(c.after!.id))
      : undefined
  const byParent = new Map<string, RollupFeed[]>()
  for (const feed of feeds) {
    const key = feed.parent.schema.key
    byParent.set(key, [...(byParent.get(key) ?? []), feed])
  }
  for (const group of byParent.values()) {
    const ids = new Set<string>()
    for (const feed of group) {
      const via = child.columns.get(feed.field.rollup!.via)!.column
      for (const change of changes) {
        if (!moves(feed, change)) continue
        for (const row of [change.before, change.after]) {
          const id = row?.[via]
          if (id !== null && id !== undefined) ids.add(String(id))
        }
      }
    }
    if (!ids.size) continue
    const parent = group[0]!.parent
    const { changed, announced } = await updateRollups(trx, app, parent, group, [...ids], created)
    await refreshFormulas(trx, app, parent, [...changed.keys()])
    if (announced) continue
    // Rules such as "upgrade to VIP when total spent passes 5,000" listen to these events (one statement).
    await emitEvents(
      trx,
      'record.updated',
      [...changed].map(([id, fields]) => ({
        app: app.key,
        form: parent.schema.key,
        id,
        changed: Object.keys(fields),
        before: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.before])),
        after: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.after])),
        cause: 'rollup',
      })),
    )
  }
}

const readColumns = new WeakMap<FieldDef, string[] | null>()

/**
 * The child columns a rollup's value depends on (its link, the measured field, the fields its condition
 * reads, `deleted_at`), or null when its condition computes a field name and could read any of them.
 */
function rollupColumns(app: PublishedApp, feed: RollupFeed): string[] | null {
  const known = readColumns.get(feed.field)
  if (known !== undefined) return known
  const rollup = feed.field.rollup!
  const child = app.form(rollup.form)
  const fields = [rollup.via, ...(rollup.field ? [rollup.field] : [])]
  if (rollup.where) {
    for (const name of readNames(rollup.where)) if (!name.startsWith('$')) fields.push(fieldOfName(name))
  }
  const columns = fields.map((key) => child.columns.get(key)?.column)
  const result =
    (rollup.where && computesName(rollup.where)) || columns.some((column) => !column)
      ? null
      : [...new Set([...(columns as string[]), 'deleted_at'])]
  readColumns.set(feed.field, result)
  return result
}

/** Whether a condition reads a field whose name it computes (`{"var": {"cat": …}}`). */
function computesName(logic: unknown): boolean {
  if (Array.isArray(logic)) return logic.some(computesName)
  if (!logic || typeof logic !== 'object') return false
  return Object.entries(logic).some(([op, arg]) => {
    if (op !== 'var') return computesName(arg)
    const name: unknown = Array.isArray(arg) ? arg[0] : arg
    return name !== undefined && typeof name !== 'string' && typeof name !== 'number'
  })
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b))
}

/**
 * Locks the parents, sets their rollups; returns per parent the rollups whose value moved, and whether their
 * events were written too. When every
 * rollup moves by the new children alone, the lock, the read of the values before and the update are one
 * statement: the lock of a busy parent (the store every order names) is held until commit, and each round
 * trip to the database while holding it made the writers queued behind it wait longer.
 */
async function updateRollups(
  trx: DynamicDb,
  app: PublishedApp,
  parent: CompiledForm,
  feeds: readonly RollupFeed[],
  ids: readonly string[],
  created: readonly string[] | undefined,
): Promise<{
  changed: Map<string, Record<string, { before: unknown; after: unknown }>>
  announced: boolean
}> {
  const table = sql.table(`${app.schema}.${parent.plan.table}`)
  const columns = feeds.map((feed) => parent.columns.get(feed.field.key)!.column)
  const values = (alias: string, prefix: string) =>
    sql.join(columns.map((column, i) => sql`${sql.ref(`${alias}.${column}`)} as ${sql.ref(`${prefix}${i}`)}`))
  const locked = sql`select p.id, ${values('p', 'b')} from ${table} as p
    where p.id = any(${ids}::bigint[]) order by p.id for no key update`
  const adds = Boolean(created) && feeds.every((feed) => incremental.has(feed.field.rollup!.aggregate))
  const sets = feeds.map((feed, i) => {
    const value =
      created && incremental.has(feed.field.rollup!.aggregate)
        ? rollupIncrement(app, feed.field, sql.ref(`p.${columns[i]!}`), created)
        : rollupSubquery(app, feed.field, sql`true`)
    return sql`${sql.ref(columns[i]!)} = ${value}`
  })
  let rows: Row[]
  if (adds) {
    // A locking read returns the latest version of a row it waited for, so the values before are exact.
    // The `record.updated` events are written by the same statement (each rollup's JSON as the records
    // API writes it), so nothing is left to send while the lock is held but the commit.
    const pairs = feeds.map((feed, i) => {
      const type = parent.columns.get(feed.field.key)!.sqlType
      return sql`(${feed.field.key}::text, to_jsonb(${columnJson('u', `b${i}`, type)}), to_jsonb(${columnJson('u', `v${i}`, type)}))`
    })
    rows = (
      await sql<Row>`with u as (
          update ${table} as p set ${sql.join(sets)} from (${locked}) as o
          where p.id = o.id returning p.id, ${values('p', 'v')}, ${sql.join(columns.map((_, i) => sql.ref(`o.b${i}`)))}
        ),
        e as (
          insert into trellis.outbox (topic, payload)
          select 'record.updated', jsonb_build_object('app', ${app.key}::text, 'form', ${parent.schema.key}::text,
            'id', u.id::text, 'changed', d.changed, 'before', d.before, 'after', d.after, 'cause', 'rollup')
          from u cross join lateral (
            select jsonb_agg(k) as changed, jsonb_object_agg(k, b) as before, jsonb_object_agg(k, a) as after
            from (values ${sql.join(pairs)}) as x(k, b, a) where b is distinct from a
          ) as d
          where d.changed is not null
          order by u.id
        )
        select * from u`.execute(trx)
    ).rows
  } else {
    // Recomputing needs the lock first: the update that follows is a new statement, whose snapshot sees
    // the children of every writer that held the lock before.
    const before = await locked.execute(trx)
    const after = await sql<Row>`update ${table} as p set ${sql.join(sets)}
      where p.id = any(${ids}::bigint[]) returning p.id, ${values('p', 'v')}`.execute(trx)
    const old = new Map((before.rows as Row[]).map((row) => [String(row.id), row]))
    rows = after.rows.map((row) => ({ ...old.get(String(row.id)), ...row }))
  }
  const changed = new Map<string, Record<string, { before: unknown; after: unknown }>>()
  for (const row of rows) {
    const id = String(row.id)
    feeds.forEach((feed, i) => {
      const was = normalize(row[`b${i}`])
      const now = normalize(row[`v${i}`])
      if (was === now) return
      changed.set(id, { ...changed.get(id), [feed.field.key]: { before: was, after: now } })
    })
  }
  return { changed, announced: adds }
}

/**
 * A count, sum, min or max rollup of the parent row aliased `p` moved by the new children `created`
 * alone (those that belong to `p`, are live and satisfy the rollup's condition), read by id.
 */
function rollupIncrement(
  app: PublishedApp,
  field: FieldDef,
  current: RawBuilder<unknown>,
  created: readonly string[],
): RawBuilder<unknown> {
  const { rollup, measured, children } = childrenOf(app, field)
  const rows = sql`${children} and c.id = any(${[...created]}::bigint[])`
  switch (rollup.aggregate) {
    case 'count':
      return sql`coalesce(${current}, 0) + (select count(*) ${rows})`
    case 'sum':
      return sql`coalesce(${current}, 0) + (select coalesce(sum(${measured}), 0) ${rows})`
    // least and greatest skip nulls: a parent without children takes the new child's value.
    case 'min':
      return sql`least(${current}, (select min(${measured}) ${rows}))`
    default:
      return sql`greatest(${current}, (select max(${measured}) ${rows}))`
  }
}

/** Initial stored value of a rollup on a new parent: count and sum start at 0, the others empty. */
export function initialRollupValue(field: FieldDef): unknown {
  return field.rollup?.aggregate === 'count' || field.rollup?.aggregate === 'sum' ? 0 : null
}

/**
 * Formulas may read rollups (average days between purchases = span ÷ (orders − 1)): when a parent's rollup
 * moved, its formulas are computed again from the row as it now is.
 */
async function refreshFormulas(
  trx: DynamicDb,
  app: PublishedApp,
  parent: CompiledForm,
  ids: readonly string[],
) {
  const formulas = [...parent.fields.values()].filter((field) => field.type === 'formula')
  if (!formulas.length || !ids.length) return
  const table = sql.table(`${app.schema}.${parent.plan.table}`)
  const { rows } = await sql<Row>`select * from ${table} where id = any(${[...ids]}::bigint[])`.execute(trx)
  for (const row of rows) {
    const record = rowToJson(row, parent)
    const values = computeFormulas(parent.schema, record)
    const sets = formulas
      .filter(
        (field) => JSON.stringify(values[field.key] ?? null) !== JSON.stringify(record[field.key] ?? null),
      )
      .map((field) => sql`${sql.ref(parent.columns.get(field.key)!.column)} = ${values[field.key] ?? null}`)
    if (sets.length)
      await sql`update ${table} set ${sql.join(sets)} where id = ${String(row.id)}`.execute(trx)
  }
}
