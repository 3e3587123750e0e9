import type { ConditionContext, JsonLogic } from '@trellis/rule-engine'
import { sql, type RawBuilder } from 'kysely'
import { fail } from './errors.js'
import { checkDbSchema, timeZoneOf, type PivotSchema } from './schema.js'
import { compileSql, type CompiledSql } from './sql/compile-only.js'
import { condition, FieldResolver, type ResolvedField } from './sql/field-resolver.js'

/**
 * Market basket pairs ("bought A, also bought B"): which items share baskets, mined from line records such
 * as order lines (basket = the `order` relation, item = the `product` relation).
 *
 * A dedicated spec rather than a PivotSpec feature: a pivot aggregates each source record once into cells,
 * while pairs need the distinct (basket, item) set joined with itself and three denominators at once (all
 * baskets, baskets with A, baskets with B), ranked per item by a ratio. It shares the pivot's field
 * resolver, so fields, relation paths and the filter go through the same schema whitelist.
 */
export interface BasketPairsSpec {
  /** The line form, e.g. `order_lines`. */
  source: string
  /** Field of the source grouping lines into baskets (a relation, e.g. `order`, or a text/select/number). */
  basket: string
  /** Field naming the item of a line (a relation, e.g. `product`, or a text/select/number, e.g. a category). */
  item: string
  /** JsonLogic over the line, reading through many-to-one relations (`order.status == 'paid'`). */
  filter?: JsonLogic
  /** Pairs found together in fewer baskets are dropped (absolute count, default 1). */
  minBaskets?: number
  /** Minimum support (baskets with both / all baskets), 0…1, default 0. */
  minSupport?: number
  /** Minimum confidence (baskets with both / baskets with A), 0…1, default 0. */
  minConfidence?: number
  /** Keep only each item's N best partners by confidence (ties: more baskets first, then B). */
  perItem?: number
}

/** One row of the result: A's baskets lead to B. `a` and `b` are the items' values as text (ids for relations). */
export interface BasketPairRow {
  a: string
  b: string
  /** Baskets holding both A and B. */
  both: number
  /** Baskets holding A. */
  basketsA: number
  /** Baskets holding B. */
  basketsB: number
  /** All baskets (with at least one line passing the filter). */
  baskets: number
  support: number
  confidence: number
  /** confidence / (basketsB / baskets): above 1, A makes B more likely than it is on average. */
  lift: number
}

export interface BasketPairsOptions {
  /** Evaluation instant and `$…` variables for the filter. */
  now?: Date
  context?: ConditionContext
  /** The viewer's row scope over the source form, AND-ed with the filter (as in compilePivot). */
  rowScope?: JsonLogic
  /** Row scopes of related forms read by the basket, item or filter (as in compilePivot). */
  formScopes?: Record<string, JsonLogic>
  /** Caps the result rows. */
  maxRows?: number
}

const KEY = /^[a-z][a-z0-9_]{0,62}$/
const KEY_TYPES = new Set(['relation', 'text', 'select', 'number', 'auto_number'])

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function ratio(value: unknown, path: string): number {
  if (value === undefined) return 0
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    fail('invalid_spec', 'A number from 0 to 1', path)
  return value as number
}

function whole(value: unknown, min: number, max: number, path: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    fail('invalid_spec', `A whole number from ${min} to ${max}`, path)
  return value as number
}

/**
 * A BasketPairsSpec → one SQL statement returning BasketPairRow columns, ordered by A then rank.
 *
 * Counting: each line passing the filter gives one (basket, item) pair; duplicates (the same product on two
 * lines of an order) count once. Lines whose basket or item is empty, or points at a deleted record, are left
 * out before anything is counted, so they add neither a basket nor an item. "All baskets" are the baskets
 * with at least one remaining line: with a filter on paid orders, support is a share of paid baskets.
 */
export function compileBasketPairs(
  spec: BasketPairsSpec,
  schema: PivotSchema,
  options: BasketPairsOptions = {},
): CompiledSql {
  if (!isObject(spec)) fail('invalid_spec', 'A basket pairs spec is an object', '')
  checkDbSchema(schema.dbSchema)
  const extra = {
    ...(options.now ? { now: options.now } : {}),
    ...(options.context ? { context: options.context } : {}),
  }
  const resolver = new FieldResolver(schema, { source: spec.source, measures: [] }, timeZoneOf(schema), {
    ...(options.formScopes ? { formScopes: options.formScopes } : {}),
    ...extra,
  })
  const keyField = (key: unknown, path: string): ResolvedField => {
    if (typeof key !== 'string' || !KEY.test(key))
      return fail('invalid_field', 'A field key is required', path)
    const field = resolver.source.fields.find((f) => f.key === key && !f.archived)
    if (!field) return fail('unknown_field', `Unknown field "${key}"`, path)
    if (!KEY_TYPES.has(field.type))
      return fail('type_mismatch', `A ${field.type} field cannot group baskets or name items`, path)
    // A relation is read through its target's id, so a line pointing at a deleted record reads as empty.
    return resolver.resolve(field.type === 'relation' ? `${key}.id` : key, path)
  }
  const basket = keyField(spec.basket, 'basket')
  const item = keyField(spec.item, 'item')
  if (spec.basket === spec.item) fail('invalid_spec', 'basket and item are different fields', 'item')
  const minBaskets = whole(spec.minBaskets, 1, 1_000_000_000, 'minBaskets') ?? 1
  const minSupport = ratio(spec.minSupport, 'minSupport')
  const minConfidence = ratio(spec.minConfidence, 'minConfidence')
  const perItem = whole(spec.perItem, 1, 1000, 'perItem')

  const where: RawBuilder<unknown>[] = [
    sql`${sql.ref(basket.column)} is not null`,
    sql`${sql.ref(item.column)} is not null`,
  ]
  for (const [logic, path] of [
    [spec.filter, 'filter'],
    [options.rowScope, 'rowScope'],
  ] as const) {
    if (logic === undefined || logic === null) continue
    where.push(sql`(${condition(logic, { ...resolver.scope(logic, path, false), ...extra }, path)})`)
  }

  const src = sql`select ${sql.join(resolver.srcColumns)} from ${resolver.fromClause()} where t.deleted_at is null`
  const float = (x: RawBuilder<unknown>) => sql`cast(${x} as double precision)`
  const support = sql`${float(sql`p.n`)} / ${float(sql`all_baskets.n`)}`
  const confidence = sql`${float(sql`p.n`)} / ${float(sql`ia.n`)}`
  const lift = sql`(${float(sql`p.n`)} * ${float(sql`all_baskets.n`)}) / (${float(sql`ia.n`)} * ${float(sql`ib.n`)})`
  const ctes = [
    sql`src as (${src})`,
    sql`lines as (select distinct ${sql.ref(basket.column)} as bk, ${sql.ref(item.column)} as it from src where ${sql.join(where, sql` and `)})`,
    sql`all_baskets as (select count(distinct bk) as n from lines)`,
    sql`items as (select it, count(*) as n from lines group by it)`,
    sql`pairs as (select x.it as a, y.it as b, count(*) as n from lines x join lines y on y.bk = x.bk and y.it <> x.it group by x.it, y.it having count(*) >= ${minBaskets})`,
    sql`scored as (select p.a, p.b, p.n, ia.n as na, ib.n as nb, all_baskets.n as total, ${support} as support, ${confidence} as confidence, ${lift} as lift
      from pairs p join items ia on ia.it = p.a join items ib on ib.it = p.b cross join all_baskets
      where ${support} >= ${minSupport} and ${confidence} >= ${minConfidence})`,
    sql`ranked as (select scored.*, row_number() over (partition by a order by confidence desc, n desc, b asc) as rn from scored)`,
  ]
  const int = (x: string) => sql`cast(${sql.ref(x)} as integer)`
  const selects = [
    sql`cast(a as text) as a`,
    sql`cast(b as text) as b`,
    sql`${int('n')} as ${sql.id('both')}`,
    sql`${int('na')} as ${sql.id('basketsA')}`,
    sql`${int('nb')} as ${sql.id('basketsB')}`,
    sql`${int('total')} as baskets`,
    sql`support`,
    sql`confidence`,
    sql`lift`,
  ]
  const rank = perItem !== undefined ? sql` where rn <= ${perItem}` : sql``
  const limit =
    options.maxRows !== undefined ? sql` limit ${Math.max(0, Math.floor(options.maxRows))}` : sql``
  return compileSql(
    sql`with ${sql.join(ctes)} select ${sql.join(selects)} from ranked${rank} order by ranked.a, rn${limit}`,
  )
}
