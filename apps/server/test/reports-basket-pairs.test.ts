/* eslint-disable @typescript-eslint/no-explicit-any -- rows are checked by assertions */
import type { AppDefinition } from '@trellis/form-engine'
import {
  compileBasketPairs,
  ReportError,
  type BasketPairRow,
  type BasketPairsSpec,
} from '@trellis/report-engine'
import { CompiledQuery } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { seededRandom } from './support/seeded-random.js'

/** Orders with lines naming products: the market basket pairs query against hand and plain-TypeScript counts. */
const app: AppDefinition = {
  key: 'basket',
  name: { en: 'Basket shop' },
  forms: [
    {
      key: 'products',
      label: { en: 'Products' },
      fields: [{ key: 'name', type: 'text', label: { en: 'Name' } }],
    },
    {
      key: 'orders',
      label: { en: 'Orders' },
      fields: [
        {
          key: 'status',
          type: 'select',
          label: { en: 'Status' },
          options: ['paid', 'refunded'].map((v) => ({ value: v, label: { en: v } })),
        },
      ],
    },
    {
      key: 'lines',
      label: { en: 'Lines' },
      fields: [
        { key: 'order', type: 'relation', label: { en: 'Order' }, relation: { form: 'orders' } },
        { key: 'product', type: 'relation', label: { en: 'Product' }, relation: { form: 'products' } },
        { key: 'quantity', type: 'number', label: { en: 'Quantity' } },
      ],
    },
  ],
}

const paid = { '==': [{ var: 'order.status' }, 'paid'] }
const round = (x: number) => Math.round(x * 1e9) / 1e9
const tidy = (rows: BasketPairRow[]) =>
  rows.map((r) => ({ ...r, support: round(r.support), confidence: round(r.confidence), lift: round(r.lift) }))

const random = (seed: number) => seededRandom(seed).next

/** The same pairs computed in plain TypeScript from raw lines (basket id, product id or null, passes filter). */
function expected(
  lines: Array<{ basket: string | null; item: string | null; keep: boolean }>,
  spec: Pick<BasketPairsSpec, 'minBaskets' | 'minSupport' | 'minConfidence' | 'perItem'>,
): BasketPairRow[] {
  const baskets = new Map<string, Set<string>>()
  for (const l of lines) {
    if (!l.keep || l.basket === null || l.item === null) continue
    const set = baskets.get(l.basket) ?? new Set<string>()
    set.add(l.item)
    baskets.set(l.basket, set)
  }
  const total = baskets.size
  const itemCount = new Map<string, number>()
  const pairCount = new Map<string, number>()
  for (const items of baskets.values()) {
    for (const a of items) {
      itemCount.set(a, (itemCount.get(a) ?? 0) + 1)
      for (const b of items) if (a !== b) pairCount.set(`${a}|${b}`, (pairCount.get(`${a}|${b}`) ?? 0) + 1)
    }
  }
  const rows: BasketPairRow[] = []
  for (const [key, both] of pairCount) {
    const [a, b] = key.split('|') as [string, string]
    const basketsA = itemCount.get(a)!
    const basketsB = itemCount.get(b)!
    const support = both / total
    const confidence = both / basketsA
    if (both < (spec.minBaskets ?? 1) || support < (spec.minSupport ?? 0)) continue
    if (confidence < (spec.minConfidence ?? 0)) continue
    rows.push({
      a,
      b,
      both,
      basketsA,
      basketsB,
      baskets: total,
      support,
      confidence,
      lift: confidence / (basketsB / total),
    })
  }
  const byA = new Map<string, BasketPairRow[]>()
  for (const r of rows) byA.set(r.a, [...(byA.get(r.a) ?? []), r])
  return [...byA.keys()]
    .sort((x, y) => Number(x) - Number(y))
    .flatMap((a) =>
      byA
        .get(a)!
        .sort((x, y) => y.confidence - x.confidence || y.both - x.both || Number(x.b) - Number(y.b))
        .slice(0, spec.perItem ?? Infinity),
    )
}

describeEachDatabase('reports: market basket pairs', (ctx) => {
  const api = useApi(ctx)
  let products: string[] = []

  const create = async (form: string, records: object[]): Promise<string[]> => {
    const out: string[] = []
    for (let i = 0; i < records.length; i += 500) {
      const res = await api.call('POST', `/api/apps/basket/forms/${form}/records/bulk`, {
        records: records.slice(i, i + 500).map((values) => ({ values })),
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      out.push(...(res.body.records ?? res.body).map((r: any) => String(r.id)))
    }
    return out
  }

  const run = async (spec: BasketPairsSpec): Promise<BasketPairRow[]> => {
    const published = await api.app.trellis.apps.requirePublished('basket')
    const compiled = compileBasketPairs(spec, {
      app: published.definition,
      dbSchema: published.schema,
    })
    const result = await ctx.database.db.executeQuery<BasketPairRow>(
      CompiledQuery.raw(compiled.sql, [...compiled.parameters]),
    )
    return result.rows
  }

  const truncate = async () => {
    const published = await api.app.trellis.apps.requirePublished('basket')
    for (const form of ['lines', 'orders'])
      await ctx.database.db.executeQuery(
        CompiledQuery.raw(`delete from ${published.schema}.${published.form(form).plan.table}`, []),
      )
  }

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/basket/publish', {})).status).toBe(200)
    products = await create(
      'products',
      ['beans', 'croissant', 'toast', 'milk', 'cake', 'tart'].map((name) => ({ name })),
    )
  })

  describe('a hand-computed fixture', () => {
    beforeAll(async () => {
      await truncate()
      const [beans, croissant, toast, milk] = products as [string, string, string, string]
      // Five paid baskets and a refunded one:
      //   1 beans croissant   2 beans croissant milk   3 beans toast   4 toast milk (milk twice)   5 croissant
      //   6 (refunded) beans croissant
      const orders = await create('orders', [
        ...Array.from({ length: 5 }, () => ({ status: 'paid' })),
        { status: 'refunded' },
      ])
      const [o1, o2, o3, o4, o5, o6] = orders as [string, string, string, string, string, string]
      await create('lines', [
        { order: o1, product: beans, quantity: 1 },
        { order: o1, product: croissant, quantity: 2 },
        { order: o2, product: beans, quantity: 1 },
        { order: o2, product: croissant, quantity: 1 },
        { order: o2, product: milk, quantity: 1 },
        { order: o3, product: beans, quantity: 1 },
        { order: o3, product: toast, quantity: 1 },
        { order: o4, product: toast, quantity: 1 },
        { order: o4, product: milk, quantity: 1 },
        { order: o4, product: milk, quantity: 3 },
        { order: o5, product: croissant, quantity: 1 },
        // A line without a product and a line without an order count for nothing.
        { order: o5, quantity: 1 },
        { product: beans, quantity: 1 },
        { order: o6, product: beans, quantity: 1 },
        { order: o6, product: croissant, quantity: 1 },
      ])
    })

    it('counts each basket once per item and scores support, confidence and lift', async () => {
      const [beans, croissant, toast, milk] = products as [string, string, string, string]
      const rows = tidy(
        await run({ source: 'lines', basket: 'order', item: 'product', filter: paid, minBaskets: 2 }),
      )
      // 5 paid baskets; beans in 3, croissant in 3, toast in 2, milk in 2; beans+croissant in 2 (1, 2).
      // Every other pair shares one basket only, below minBaskets.
      expect(rows).toEqual([
        {
          a: beans,
          b: croissant,
          both: 2,
          basketsA: 3,
          basketsB: 3,
          baskets: 5,
          support: 0.4,
          confidence: round(2 / 3),
          lift: round(2 / 3 / (3 / 5)),
        },
        {
          a: croissant,
          b: beans,
          both: 2,
          basketsA: 3,
          basketsB: 3,
          baskets: 5,
          support: 0.4,
          confidence: round(2 / 3),
          lift: round(2 / 3 / (3 / 5)),
        },
      ])
      expect(toast && milk).toBeTruthy()
    })

    it('keeps each item’s best partners by confidence and applies the thresholds', async () => {
      const [beans, croissant, toast, milk] = products as [string, string, string, string]
      const rows = tidy(
        await run({
          source: 'lines',
          basket: 'order',
          item: 'product',
          filter: paid,
          minConfidence: 0.5,
          perItem: 1,
        }),
      )
      // milk: beans, croissant and toast 1/2 each (ties: lower id first); toast: beans 1/2, milk 1/2.
      expect(rows.map((r) => [r.a, r.b, r.confidence])).toEqual([
        [beans, croissant, round(2 / 3)],
        [croissant, beans, round(2 / 3)],
        [toast, beans, 0.5],
        [milk, beans, 0.5],
      ])
      // Without the filter the refunded basket counts: 6 baskets, beans+croissant in 3 of them.
      const all = await run({ source: 'lines', basket: 'order', item: 'product', minBaskets: 3 })
      expect(all.map((r) => [r.a, r.b, r.both, r.baskets])).toEqual([
        [beans, croissant, 3, 6],
        [croissant, beans, 3, 6],
      ])
      const supported = await run({ source: 'lines', basket: 'order', item: 'product', minSupport: 0.45 })
      expect(supported.map((r) => r.support)).toEqual([0.5, 0.5])
      expect(milk).toBeTruthy()
    })
  })

  it('agrees with the same pairs computed in TypeScript over random baskets', async () => {
    await truncate()
    const next = random(20261123)
    const statuses = Array.from({ length: 300 }, () => (next() < 0.8 ? 'paid' : 'refunded'))
    const orders = await create(
      'orders',
      statuses.map((status) => ({ status })),
    )
    const lines: Array<{ order?: string; product?: string; quantity: number }> = []
    const raw: Array<{ basket: string | null; item: string | null; keep: boolean }> = []
    orders.forEach((order, i) => {
      const n = 1 + Math.floor(next() * 4)
      for (let k = 0; k < n; k++) {
        // Skewed choice, repeats allowed, now and then an empty product or order.
        const pick = Math.floor(next() * next() * products.length)
        const product = next() < 0.03 ? undefined : products[pick]
        const basket = next() < 0.02 ? undefined : order
        lines.push({ ...(basket ? { order: basket } : {}), ...(product ? { product } : {}), quantity: 1 })
        raw.push({ basket: basket ?? null, item: product ?? null, keep: statuses[i] === 'paid' })
      }
    })
    await create('lines', lines)
    for (const spec of [
      {},
      { minBaskets: 3 },
      { minSupport: 0.02, minConfidence: 0.1 },
      { perItem: 2, minConfidence: 0.05 },
    ]) {
      const got = tidy(
        await run({ source: 'lines', basket: 'order', item: 'product', filter: paid, ...spec }),
      )
      expect(got, JSON.stringify(spec)).toEqual(tidy(expected(raw, spec)))
      expect(got.length, JSON.stringify(spec)).toBeGreaterThan(0)
    }
  })

  it('refuses unknown fields, bad identifiers and bad thresholds with a path', async () => {
    const published = await api.app.trellis.apps.requirePublished('basket')
    const schema = { app: published.definition, dbSchema: published.schema }
    const refused = (spec: unknown) => {
      try {
        compileBasketPairs(spec as BasketPairsSpec, schema)
      } catch (error) {
        if (error instanceof ReportError) return `${error.code}@${error.path}`
        throw error
      }
      return 'compiled'
    }
    const base = { source: 'lines', basket: 'order', item: 'product' }
    expect(refused(base)).toBe('compiled')
    expect(refused({ ...base, source: 'lines; drop table x' })).toBe('unknown_form@source')
    expect(refused({ ...base, item: 'product"; drop table x; --' })).toBe('invalid_field@item')
    expect(refused({ ...base, basket: 'nope' })).toBe('unknown_field@basket')
    expect(refused({ ...base, item: 'order.status' })).toBe('invalid_field@item')
    expect(refused({ ...base, filter: { '==': [{ var: 'order.nope' }, 1] } })).toMatch(/^condition\./)
    expect(refused({ ...base, minSupport: 2 })).toBe('invalid_spec@minSupport')
    expect(refused({ ...base, perItem: 0 })).toBe('invalid_spec@perItem')
    expect(() => compileBasketPairs(base, { ...schema, dbSchema: 'x; drop' })).toThrow(ReportError)
  })
})
