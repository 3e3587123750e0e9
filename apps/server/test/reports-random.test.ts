/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import type { AppDefinition } from '@trellis/form-engine'
import type { Aggregation, DateBucket, Dimension, PivotSpec } from '@trellis/report-engine'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { seededRandom } from './support/seeded-random.js'

/**
 * Random pivot specs over a random dataset, each checked cell by cell (subtotals and totals included)
 * against the same pivot computed in plain TypeScript from the raw rows.
 */
const app: AppDefinition = {
  key: 'rnd',
  name: { en: 'Random shop' },
  forms: [
    {
      key: 'stores',
      label: { en: 'Stores' },
      fields: [{ key: 'name', type: 'text', label: { en: 'Name' } }],
    },
    {
      key: 'customers',
      label: { en: 'Customers' },
      fields: [
        {
          key: 'tier',
          type: 'select',
          label: { en: 'Tier' },
          options: ['a', 'b', 'c'].map((v) => ({ value: v, label: { en: v } })),
        },
        { key: 'store', type: 'relation', label: { en: 'Store' }, relation: { form: 'stores' } },
      ],
    },
    {
      key: 'orders',
      label: { en: 'Orders' },
      // Specs over these fields (counts, sums and averages of amount) are answered from the summary: the
      // same comparison with the TypeScript pivot covers both ways of answering.
      summaries: [
        { key: 'daily', dimensions: ['ordered_on', 'status', 'customer', 'quantity'], sums: ['amount'] },
      ],
      fields: [
        { key: 'customer', type: 'relation', label: { en: 'Customer' }, relation: { form: 'customers' } },
        { key: 'amount', type: 'decimal', label: { en: 'Amount' }, scale: 2 },
        { key: 'quantity', type: 'number', label: { en: 'Quantity' } },
        { key: 'ordered_on', type: 'date', label: { en: 'Ordered on' } },
        {
          key: 'status',
          type: 'select',
          label: { en: 'Status' },
          options: ['paid', 'refunded', 'open'].map((v) => ({ value: v, label: { en: v } })),
        },
      ],
    },
  ],
}

const random = seededRandom

interface Order {
  customer: number
  amount: number
  quantity: number | null
  ordered_on: string
  status: string | null
  tier: string | null
  store: string | null
}

const SEED = 20240607

function bucketStart(date: string, bucket: DateBucket): string {
  const d = new Date(`${date}T00:00:00Z`)
  switch (bucket) {
    case 'day':
      return date
    case 'week':
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7))
      return d.toISOString().slice(0, 10)
    case 'month':
      return `${date.slice(0, 7)}-01`
    case 'quarter':
      return `${date.slice(0, 4)}-${String(Math.floor((Number(date.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`
    case 'year':
      return `${date.slice(0, 4)}-01-01`
  }
}

type DimChoice = { spec: Dimension; value: (o: Order) => string | number | null }
const DIMENSIONS: DimChoice[] = [
  { spec: { field: 'status' }, value: (o) => o.status },
  { spec: { field: 'customer.tier' }, value: (o) => o.tier },
  { spec: { field: 'customer.store.name' }, value: (o) => o.store },
  { spec: { field: 'quantity' }, value: (o) => o.quantity },
  { spec: { field: 'amount', bin: { width: 50 } }, value: (o) => Math.floor(o.amount / 50) * 50 },
  ...(['day', 'week', 'month', 'quarter', 'year'] as const).map((bucket) => ({
    spec: { field: 'ordered_on', bucket },
    value: (o: Order) => bucketStart(o.ordered_on, bucket),
  })),
]

type MeasureChoice = { agg: Aggregation; field?: string; value: (os: Order[]) => number | null }
const nums = (os: Order[], f: (o: Order) => number | null) => os.map(f).filter((v): v is number => v !== null)
const MEASURES: MeasureChoice[] = [
  { agg: 'count', value: (os) => os.length },
  { agg: 'sum', field: 'amount', value: (os) => nums(os, (o) => o.amount).reduce((a, b) => a + b, 0) },
  {
    agg: 'avg',
    field: 'amount',
    value: (os) => nums(os, (o) => o.amount).reduce((a, b) => a + b, 0) / os.length,
  },
  {
    agg: 'min',
    field: 'quantity',
    value: (os) => (nums(os, (o) => o.quantity).length ? Math.min(...nums(os, (o) => o.quantity)) : null),
  },
  { agg: 'max', field: 'amount', value: (os) => Math.max(...nums(os, (o) => o.amount)) },
  { agg: 'count_distinct', field: 'customer', value: (os) => new Set(os.map((o) => o.customer)).size },
  {
    agg: 'median',
    field: 'amount',
    value: (os) => {
      const xs = nums(os, (o) => o.amount).sort((a, b) => a - b)
      const mid = xs.length / 2
      return xs.length % 2 ? xs[Math.floor(mid)]! : (xs[mid - 1]! + xs[mid]!) / 2
    },
  },
]

const FILTERS: Array<{ logic?: unknown; keep: (o: Order) => boolean }> = [
  { keep: () => true },
  { logic: { '==': [{ var: 'status' }, 'paid'] }, keep: (o) => o.status === 'paid' },
  { logic: { '>': [{ var: 'amount' }, 100] }, keep: (o) => o.amount > 100 },
]

describeEachDatabase('reports: random pivots agree with a TypeScript pivot', (ctx) => {
  const api = useApi(ctx)
  const orders: Order[] = []

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/rnd/publish', {})).status).toBe(200)
    const rnd = random(SEED)
    const create = async (form: string, records: object[]) => {
      const res = await api.call('POST', `/api/apps/rnd/forms/${form}/records/bulk`, {
        records: records.map((values) => ({ values })),
      })
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(201)
      return (res.body.records ?? res.body).map((r: any) => r.id as string)
    }
    const storeNames = ['东', '西', '南']
    const stores = await create(
      'stores',
      storeNames.map((name) => ({ name })),
    )
    const customers = Array.from({ length: 40 }, () => ({
      tier: rnd.next() < 0.15 ? null : rnd.pick(['a', 'b', 'c']),
      store: rnd.next() < 0.1 ? null : rnd.int(3),
    }))
    const customerIds = await create(
      'customers',
      customers.map((c) => ({
        ...(c.tier ? { tier: c.tier } : {}),
        ...(c.store !== null ? { store: stores[c.store] } : {}),
      })),
    )
    const day0 = Date.UTC(2023, 10, 1)
    const raw = Array.from({ length: 300 }, () => {
      const customer = rnd.int(40)
      return {
        customer,
        amount: (rnd.int(40000) - 2000) / 100,
        quantity: rnd.next() < 0.2 ? null : 1 + rnd.int(5),
        ordered_on: new Date(day0 + rnd.int(180) * 86_400_000).toISOString().slice(0, 10),
        status: rnd.next() < 0.1 ? null : rnd.pick(['paid', 'refunded', 'open']),
      }
    })
    await create(
      'orders',
      raw.map((o) => ({
        customer: customerIds[o.customer],
        amount: o.amount.toFixed(2),
        ordered_on: o.ordered_on,
        ...(o.quantity !== null ? { quantity: o.quantity } : {}),
        ...(o.status !== null ? { status: o.status } : {}),
      })),
    )
    for (const o of raw) {
      const c = customers[o.customer]!
      orders.push({ ...o, tier: c.tier, store: c.store === null ? null : storeNames[c.store]! })
    }
  })

  /** 25 random specs from these choices, each checked against the TypeScript pivot; how many a summary answered. */
  async function agree(
    seed: number,
    DIMENSIONS: DimChoice[],
    MEASURES: MeasureChoice[],
    FILTERS: Array<{ logic?: unknown; keep: (o: Order) => boolean }>,
    summaryOnly = false,
  ): Promise<number> {
    const rnd = random(seed)
    let cells = 0
    let fromSummary = 0
    for (let round = 0; round < 25; round++) {
      const shuffled = [...DIMENSIONS].sort(() => rnd.next() - 0.5)
      const nRows = rnd.int(3)
      const nCols = rnd.int(2)
      const rowDims = shuffled.slice(0, nRows)
      const colDims = shuffled.slice(nRows, nRows + nCols)
      const measures = [...MEASURES].sort(() => rnd.next() - 0.5).slice(0, 1 + rnd.int(3))
      const filter = rnd.pick(FILTERS)
      const spec: PivotSpec = {
        source: 'orders',
        rows: rowDims.map((d) => d.spec),
        columns: colDims.map((d) => d.spec),
        measures: measures.map((m, i) => ({
          key: `m${i}`,
          agg: m.agg,
          ...(m.field ? { field: m.field } : {}),
        })),
        ...(filter.logic ? { filter: filter.logic } : {}),
        totals: { rows: rnd.next() < 0.6, columns: rnd.next() < 0.6, subtotals: rnd.next() < 0.6 },
      }
      const res = await api.call('POST', '/api/apps/rnd/pivot', { spec })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      if (res.body.summary === 'daily') fromSummary++
      else if (summaryOnly) throw new Error(`not answered from the summary: ${JSON.stringify(spec)}`)
      const grid = res.body.grid
      const kept = orders.filter(filter.keep)
      // Every group the TypeScript pivot finds at the leaf level must be in the grid.
      const leafKeys = new Set(
        kept.map((o) => JSON.stringify([...rowDims, ...colDims].map((d) => d.value(o)))),
      )
      const gridLeaves = new Set<string>()
      grid.rows.forEach((r: any, ri: number) =>
        grid.columns.forEach((c: any, ci: number) => {
          const matching = kept.filter(
            (o) =>
              r.cells.every((cell: any, i: number) => rowDims[i]!.value(o) === cell.value) &&
              c.cells.every((cell: any, i: number) => colDims[i]!.value(o) === cell.value),
          )
          if (!r.total && !c.total && matching.length)
            gridLeaves.add(JSON.stringify([...r.cells, ...c.cells].map((x: any) => x.value)))
          measures.forEach((m, mi) => {
            const actual = grid.values[ri][ci][mi]
            const context = `seed ${SEED} round ${round} ${JSON.stringify(spec)} row ${r.label} col ${c.label} ${m.agg}`
            if (!matching.length) return expect(actual, context).toBeNull()
            const expected = m.value(matching)
            if (expected === null) return expect(actual, context).toBeNull()
            expect(actual, context).toBeCloseTo(expected, 6)
            cells++
          })
        }),
      )
      expect(gridLeaves).toEqual(leafKeys)
    }
    expect(cells).toBeGreaterThan(500)
    return fromSummary
  }

  it('agrees on 25 random specs, every cell, subtotal and total', async () => {
    await agree(SEED + 1, DIMENSIONS, MEASURES, FILTERS)
  })

  it('agrees on 25 random specs answered from the summary', async () => {
    const dims = DIMENSIONS.filter(
      (d) => !('bin' in d.spec) && (d.spec as { field: string }).field !== 'customer.store.name',
    )
    const measures = MEASURES.filter((m) => ['count', 'sum', 'avg'].includes(m.agg))
    const filters = FILTERS.filter((f) => !JSON.stringify(f.logic ?? {}).includes('amount'))
    expect(await agree(SEED + 2, dims, measures, filters, true)).toBe(25)
  })
})
