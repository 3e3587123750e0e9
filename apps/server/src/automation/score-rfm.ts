import { chineseSegments, compilePivot, rfmSpec } from '@trellis/report-engine'
import type { ScoreRfmConfig } from '@trellis/rule-engine'
import { CompiledQuery, sql } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'

export interface RfmScoring {
  /** Customers with a qualifying order (scored). */
  scored: number
  /** Customers whose stored scores or segment changed (each got a `record.updated` event when asked). */
  changed: number
}

const roles = ['recency', 'frequency', 'monetary', 'segment'] as const
/** Columns of the report engine's per-customer RFM rows: d0 = id, then R, F, M and the segment. */
const resultColumn = { recency: 'd1', frequency: 'd2', monetary: 'd3', segment: 'd4' } as const

/**
 * Writes RFM scores into the customers' fields in one statement: the report engine's per-customer RFM query
 * (quintiles with ties kept together, segments by the Chinese eight-segment map) joined to every live customer,
 * so customers without a qualifying order are cleared; only rows whose values change are written. Like a
 * rollup, the scores are derived values: no version bump or audit entry, but with `events` a `record.updated`
 * event per changed customer (written by the same statement) so rules can react to a segment change.
 */
export async function scoreRfm(
  trx: DynamicDb,
  app: PublishedApp,
  config: ScoreRfmConfig,
  options: { now: Date; events: boolean; timeZone: string },
): Promise<RfmScoring> {
  const customers = app.form(config.customers ?? 'customers')
  const from = config.days
    ? new Date(options.now.getTime() - config.days * 86_400_000).toISOString()
    : undefined
  const spec = rfmSpec(
    {
      customers: customers.schema.key,
      orders: config.orders ?? 'orders',
      customer: config.customer ?? 'customer',
      date: config.date ?? 'ordered_on',
      amount: config.amount ?? 'amount',
      ...(config.where !== undefined ? { where: config.where } : {}),
    },
    { by: 'customer', segments: chineseSegments, ...(from ? { from } : {}) },
  )
  const report = compilePivot(spec, { app: app.definition, dbSchema: app.schema, timeZone: options.timeZone })

  const targets = roles.flatMap((role) => {
    const key = config.fields[role]
    if (!key) return []
    const column = customers.columns.get(key)?.column
    if (!column) throw new Error(`Form ${customers.schema.key} has no field "${key}"`)
    return [{ role, key, column, numeric: role !== 'segment' }]
  })
  // Identifiers come from the published form's column plan; the report's values stay parameters.
  const table = sql.table(`${app.schema}.${customers.plan.table}`)
  const ref = (alias: string, column: string) => sql.ref(`${alias}.${column}`)
  const fresh = (t: (typeof targets)[number]) =>
    t.numeric
      ? sql`cast(s.${sql.ref(resultColumn[t.role])} as integer)`
      : sql`s.${sql.ref(resultColumn[t.role])}`
  const wrapper = sql`
    update ${table} as t set ${sql.join(targets.map((x) => sql`${sql.ref(x.column)} = n.${sql.ref(`new_${x.role}`)}`))}
    from (
      select c.id, ${sql.join(
        targets.flatMap((x) => [
          sql`${ref('c', x.column)} as ${sql.ref(`old_${x.role}`)}`,
          sql`${fresh(x)} as ${sql.ref(`new_${x.role}`)}`,
        ]),
      )}
      from ${table} as c left join s on s.d0 = c.id
      where c.deleted_at is null
    ) as n
    where t.id = n.id
      and (${sql.join(targets.map((x) => sql`n.${sql.ref(`old_${x.role}`)}`))})
        is distinct from (${sql.join(targets.map((x) => sql`n.${sql.ref(`new_${x.role}`)}`))})
    returning t.id, ${sql.join(targets.flatMap((x) => [sql`n.${sql.ref(`old_${x.role}`)}`, sql`n.${sql.ref(`new_${x.role}`)}`]))}`
  const event = sql`jsonb_build_object(
      'app', cast(${app.key} as text), 'form', cast(${customers.schema.key} as text), 'id', u.id::text,
      'changed', (select coalesce(jsonb_agg(k), '[]'::jsonb) from jsonb_each(b.v) as e(k, v) where e.v is distinct from (a.v -> e.k)),
      'before', b.v, 'after', a.v, 'cause', 'rfm')`
  const pairs = (side: 'old' | 'new') =>
    sql.join(targets.map((x) => sql`cast(${x.key} as text), u.${sql.ref(`${side}_${x.role}`)}`))
  const statement = sql`
    u as (${wrapper}),
    ${
      options.events
        ? sql`e as (
      insert into trellis.outbox (topic, payload)
      select 'record.updated', ${event}
      from u, lateral (select jsonb_build_object(${pairs('old')}) as v) b, lateral (select jsonb_build_object(${pairs('new')}) as v) a
      returning 1),`
        : sql``
    }
    scored as (select count(*) as n from s)
    select (select n from scored) as scored, (select count(*) from u) as changed`.compile(trx)
  // The report's statement comes first, with its own numbered parameters; the wrapper has none of its own
  // except the app and form keys, which are renumbered after the report's.
  const offset = report.parameters.length
  const tail = statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)
  const text = `with s as materialized (${report.sql}), ${tail}`
  const { rows } = await trx.executeQuery<{ scored: string | number; changed: string | number }>(
    CompiledQuery.raw(text, [...report.parameters, ...statement.parameters]),
  )
  return { scored: Number(rows[0]?.scored ?? 0), changed: Number(rows[0]?.changed ?? 0) }
}
