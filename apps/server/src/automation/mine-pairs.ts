import { compileBasketPairs, ReportError, type BasketPairRow } from '@trellis/report-engine'
import type { MinePairsConfig } from '@trellis/rule-engine'
import { CompiledQuery, sql } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { rowToJson, type Row } from '../records/record-json.js'
import { RecordWriter, type PreparedUpdate, type WriteContext } from '../records/record-store.js'

export interface PairMining {
  /** Pairs the query found. */
  pairs: number
  inserted: number
  /** Stored pairs found again (figures, names and `mined_at` refreshed). */
  updated: number
  /** Stored pairs no longer found, now `mined` false. */
  unmined: number
}

/** Rows per UPDATE … FROM (VALUES …): about ten parameters each, well under PostgreSQL's 65,535. */
const UPDATE_CHUNK = 1000

/**
 * Runs the market basket pairs query (report engine) and upserts its rows into the pairs form, matched by
 * (product, recommend), through the RecordWriter: validated like API writes, each row with its audit entry and
 * `record.created`/`record.updated` event in the same statement, one INSERT and one UPDATE per batch. A pair
 * found again gets its figures, names and `mined_at` refreshed and `mined` true; a stored mined pair not found
 * any more (a pair the shop added by hand, with no `mined_at`, is left alone) only gets `mined` false (its last figures and `mined_at` stay, as the record of when it last held). The
 * shop's own fields (`enabled`, `days`) are never written on an existing pair; a new pair takes their defaults.
 */
export async function minePairs(
  trx: DynamicDb,
  app: PublishedApp,
  config: MinePairsConfig,
  options: { now: Date; actor: string | null },
): Promise<PairMining> {
  const into = config.into ?? 'product_pairs'
  // Two runs at once (the weekly tick and a manual run) would prepare updates from the same versions and one
  // would fail with a stale version: the second waits for the first, then reads what it wrote.
  await sql`select pg_advisory_xact_lock(hashtext(${`trellis.mine_pairs:${app.key}.${into}`}))`.execute(trx)
  const source = config.source ?? 'order_lines'
  const item = config.item ?? 'product'
  let compiled
  try {
    compiled = compileBasketPairs(
      {
        source,
        basket: config.basket ?? 'order',
        item,
        ...(config.filter !== undefined ? { filter: config.filter } : {}),
        ...(config.minBaskets !== undefined ? { minBaskets: config.minBaskets } : {}),
        ...(config.minSupport !== undefined ? { minSupport: config.minSupport } : {}),
        ...(config.minConfidence !== undefined ? { minConfidence: config.minConfidence } : {}),
        perItem: config.perItem ?? 5,
      },
      { app: app.definition, dbSchema: app.schema },
      { now: options.now },
    )
  } catch (error) {
    if (error instanceof ReportError) throw new AppError(400, 'INVALID_MINING', error.message, error.path)
    throw error
  }
  const mined = (
    await trx.executeQuery<BasketPairRow>(CompiledQuery.raw(compiled.sql, [...compiled.parameters]))
  ).rows

  const pairs = app.form(into)
  const has = (key: string) => pairs.fields.has(key) && !pairs.fields.get(key)!.archived
  const writer = new RecordWriter(app, pairs)
  const ctx: WriteContext = { actor: options.actor }

  // Item names, read once for every item of a mined pair.
  const names = new Map<string, string | null>()
  if (has('product_name') || has('recommend_name')) {
    const target = app.form(source).fields.get(item)?.relation?.form
    if (!target) throw new AppError(400, 'INVALID_MINING', `${source}.${item} is not a relation`, 'item')
    const itemForm = app.form(target)
    const ids = [...new Set(mined.flatMap((r) => [r.a, r.b]))]
    const nameKey = config.nameField ?? 'name'
    for (const [id, row] of await new RecordWriter(app, itemForm).readMany(trx, ids)) {
      const value = rowToJson(row, itemForm)[nameKey]
      names.set(id, value === null || value === undefined ? null : String(value))
    }
  }

  // Deleted pairs too: a pair the shop deleted stays deleted (it is not mined back in next week).
  const { rows: stored } =
    await sql<Row>`select * from ${sql.table(`${app.schema}.${pairs.plan.table}`)}`.execute(trx)
  const existing = new Map<string, Row>()
  const deleted = new Set<string>()
  for (const row of stored) {
    const json = rowToJson(row, pairs)
    const key = `${String(json.product)}|${String(json.recommend)}`
    if (row.deleted_at === null || row.deleted_at === undefined) existing.set(key, row)
    else deleted.add(key)
  }

  const minedAt = options.now.toISOString()
  const creates: Record<string, unknown>[] = []
  const updates: PreparedUpdate[] = []
  const seen = new Set<string>()
  for (const [i, r] of mined.entries()) {
    const key = `${r.a}|${r.b}`
    seen.add(key)
    if (deleted.has(key) && !existing.has(key)) continue
    const values: Record<string, unknown> = {
      baskets: r.both,
      support: r.support,
      confidence: r.confidence,
      lift: r.lift,
      mined_at: minedAt,
      ...(has('product_name') ? { product_name: names.get(r.a) ?? null } : {}),
      ...(has('recommend_name') ? { recommend_name: names.get(r.b) ?? null } : {}),
      ...(has('mined') ? { mined: true } : {}),
    }
    const current = existing.get(key)
    if (current) updates.push(await writer.prepareUpdate(trx, current, values, `pairs.${i}.`))
    else creates.push(writer.prepareCreate({ product: r.a, recommend: r.b, ...values }, `pairs.${i}.`))
  }
  let unmined = 0
  if (has('mined')) {
    for (const [key, row] of existing) {
      const json = rowToJson(row, pairs)
      // A pair never mined (no mined_at) was added by the shop: theirs to keep recommending or switch off.
      if (seen.has(key) || json.mined === false || json.mined_at === null || json.mined_at === undefined)
        continue
      updates.push(await writer.prepareUpdate(trx, row, { mined: false }))
      unmined++
    }
  }
  if (creates.length) await writer.createMany(trx, creates, ctx)
  for (let i = 0; i < updates.length; i += UPDATE_CHUNK)
    await writer.updateMany(trx, updates.slice(i, i + UPDATE_CHUNK), ctx)
  return {
    pairs: mined.length,
    inserted: creates.length,
    updated: updates.length - unmined,
    unmined,
  }
}
