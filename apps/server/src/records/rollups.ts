import { conditionToSql } from '@trellis/rule-engine'
import { computeFormulas, toConditionScope, type FieldDef, type RollupDef } from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm, PublishedApp, RollupFeed } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { emitEvent } from './journal.js'
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
  const rollup = field.rollup!
  const child = app.form(rollup.form)
  const childTable = sql.table(`${app.schema}.${child.plan.table}`)
  const via = child.columns.get(rollup.via)!.column
  const measured = rollup.field ? sql.ref(`c.${child.columns.get(rollup.field)!.column}`) : undefined
  const where = rollup.where
    ? conditionToSql(rollup.where, toConditionScope(child.schema, { alias: 'c', app: app.definition }))
    : sql`true`
  return sql`(select ${aggregate(rollup, measured)} from ${childTable} as c
    where c.${sql.ref(via)} = p.id and c.deleted_at is null and ${where} and ${childCondition})`
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

/** After a child record changed: refresh every rollup it feeds, for its old and its new parent. */
export async function refreshRollupsFor(
  trx: DynamicDb,
  app: PublishedApp,
  childForm: string,
  before: Row | undefined,
  after: Row | undefined,
): Promise<void> {
  for (const feed of app.rollupsFedBy(childForm)) {
    const child = app.form(childForm)
    const via = child.columns.get(feed.field.rollup!.via)!.column
    const ids = new Set<string>()
    for (const row of [before, after]) {
      const id = row?.[via]
      if (id !== null && id !== undefined) ids.add(String(id))
    }
    if (!ids.size) continue
    const changes = await recomputeRollup(trx, app, feed, [...ids])
    await refreshFormulas(
      trx,
      app,
      feed.parent,
      changes.map((change) => change.id),
    )
    for (const change of changes) {
      // Rules such as "upgrade to VIP when total spent passes 5,000" listen to this event.
      await emitEvent(trx, 'record.updated', {
        app: app.key,
        form: feed.parent.schema.key,
        id: change.id,
        changed: [feed.field.key],
        before: { [feed.field.key]: change.before },
        after: { [feed.field.key]: change.after },
        cause: 'rollup',
      })
    }
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
