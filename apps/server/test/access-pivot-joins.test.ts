/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import type { PivotSpec } from '@trellis/report-engine'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { byStore, storeClerkApp } from './support/report-shop.js'

/** A clerk sees their store's orders (without quantities) and customers only. */
const appWithStoreClerk = () =>
  storeClerkApp('jshop', { actions: ['read'], scope: byStore, hidden: ['quantity'] })

const base = '/api/apps/jshop/forms'

/** A one-column grid as `[row label or "total", ...measures]`, in grid order. */
function table(grid: any): unknown[][] {
  return grid.rows.map((row: any, ri: number) => [
    row.total ? 'total' : row.cells[0].value,
    ...grid.values[ri][0].map(Number),
  ])
}

describeEachDatabase('row scopes of joined and related forms in pivots (attacker clerk)', (ctx) => {
  const api = useApi(ctx)
  let clerk: string
  const store: Record<string, string> = {}
  const customer: Record<string, string> = {}
  const order: Record<string, string> = {}

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', appWithStoreClerk())).status).toBe(201)
    expect((await api.call('POST', '/api/apps/jshop/publish', {})).status).toBe(200)
    for (const name of ['A', 'B']) {
      store[name] = (await api.call('POST', `${base}/stores/records`, { values: { name } })).body.id
    }
    for (const [name, s, tier, phone] of [
      ['a1', 'A', 'vip', '+8613800000001'],
      ['a2', 'A', 'normal', '+8613800000002'],
      ['b1', 'B', 'vip', '+8613800000003'],
    ] as const) {
      const res = await api.call('POST', `${base}/customers/records`, {
        values: { name, store: store[s], tier, phone, note: `secret of ${name}` },
      })
      customer[name] = res.body.id
    }
    // o4: B's customer buying in store A; o6: A's customer buying in store B.
    for (const [key, s, c, amount] of [
      ['o1', 'A', 'a1', 100],
      ['o2', 'A', 'a1', 50],
      ['o3', 'A', 'a2', 30],
      ['o4', 'A', 'b1', 70],
      ['o5', 'B', 'b1', 200],
      ['o6', 'B', 'a1', 500],
    ] as const) {
      const res = await api.call('POST', `${base}/orders/records`, {
        values: { store: store[s], customer: customer[c], amount, status: 'paid', ordered_on: '2026-03-01' },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      order[key] = res.body.id
    }
    const user = await api.user({ username: 'join_clerk', attributes: { store: store.A } })
    await api.call('PUT', `/api/apps/jshop/members/${user.id}`, { role: 'clerk' })
    clerk = user.token
  })

  const byTier: PivotSpec = {
    source: 'orders',
    rows: [{ field: 'customer.tier' }],
    measures: [
      { key: 'n', agg: 'count' },
      { key: 'revenue', agg: 'sum', field: 'amount' },
    ],
    totals: { rows: true },
  }
  const asClerk = (url: string, body: unknown) => api.callAs(clerk, 'POST', `/api/apps/jshop/${url}`, body)
  const asAdmin = (url: string, body: unknown) => api.call('POST', `/api/apps/jshop/${url}`, body)

  it('orders joined to customers: only the store’s orders, other stores’ customers read as empty', async () => {
    const admin = await asAdmin('pivot', { spec: byTier })
    expect(admin.status, JSON.stringify(admin.body)).toBe(200)
    expect(table(admin.body.grid)).toEqual([
      ['normal', 1, 30],
      ['vip', 5, 920],
      ['total', 6, 950],
    ])
    const mine = await asClerk('pivot', { spec: byTier })
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    // o1, o2 (a1, vip), o3 (a2, normal), o4 (store A, but its customer b1 is store B's: no tier visible).
    expect(table(mine.body.grid)).toEqual([
      ['normal', 1, 30],
      ['vip', 2, 150],
      [null, 1, 70],
      ['total', 4, 250],
    ])
  })

  it('filters on joined fields cannot reach outside the scope of the joined form', async () => {
    const count = (filter: unknown) => ({ source: 'orders', measures: [{ key: 'n', agg: 'count' }], filter })
    const total = (res: any) => res.body.grid.values[0][0][0]
    // b1 bought twice (o4 in A, o5 in B); the clerk may see o4 but not who its customer is.
    expect(total(await asAdmin('pivot', { spec: count({ '==': [{ var: 'customer.name' }, 'b1'] }) }))).toBe(2)
    expect(total(await asClerk('pivot', { spec: count({ '==': [{ var: 'customer.name' }, 'b1'] }) }))).toBe(0)
    const widen = { or: [true, { '==': [{ var: 'customer.store' }, store.B] }] }
    expect(total(await asClerk('pivot', { spec: count(widen) }))).toBe(4)
    const byOtherStore = { '==': [{ var: 'customer.store' }, store.B] }
    expect(total(await asClerk('pivot', { spec: count(byOtherStore) }))).toBe(0)
  })

  it('related aggregates count only related records inside their form’s scope', async () => {
    const spec: PivotSpec = {
      source: 'customers',
      related: {
        purchases: {
          form: 'orders',
          via: 'customer',
          values: { n: { agg: 'count' }, spent: { agg: 'sum', field: 'amount' } },
        },
      },
      rows: [{ field: 'name' }],
      measures: [
        { key: 'orders', agg: 'sum', field: 'purchases.n' },
        { key: 'spent', agg: 'sum', field: 'purchases.spent' },
      ],
      totals: { rows: true },
    }
    expect(table((await asAdmin('pivot', { spec })).body.grid)).toEqual([
      ['a1', 3, 650],
      ['a2', 1, 30],
      ['b1', 2, 270],
      ['total', 6, 950],
    ])
    const mine = await asClerk('pivot', { spec })
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    // a1's order in store B (o6) is not the clerk's to count.
    expect(table(mine.body.grid)).toEqual([
      ['a1', 2, 150],
      ['a2', 1, 30],
      ['total', 3, 180],
    ])
  })

  it('windows see only the scoped rows', async () => {
    const spec: PivotSpec = {
      source: 'orders',
      windows: { bought: { fn: 'count', field: 'id', partitionBy: ['customer'] } },
      rows: [{ field: 'window:bought' }],
      measures: [{ key: 'n', agg: 'count' }],
    }
    const mine = await asClerk('pivot', { spec })
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    // a1 has 2 orders in store A (o1, o2), a2 and b1 one each (o3, o4).
    expect(table(mine.body.grid)).toEqual([
      [1, 2],
      [2, 2],
    ])
  })

  it('drill-downs through joins count and return only what the clerk may see, masked', async () => {
    const grid = (await asClerk('pivot', { spec: byTier })).body.grid
    const counts: Record<string, number> = {}
    for (const [ri, row] of grid.rows.entries()) {
      const res = await asClerk('pivot/drill', { spec: byTier, cell: { rows: row.cells, columns: [] } })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.count).toBe(grid.values[ri][0][0])
      expect(res.body.records.length).toBe(res.body.count)
      counts[row.total ? 'total' : String(row.cells[0].value)] = res.body.count
      if (row.cells[0]?.value === 'vip')
        expect(res.body.records.map((r: any) => r.id).sort()).toEqual([order.o1, order.o2].sort())
      if (row.cells[0]?.value === null && !row.total)
        expect(res.body.records.map((r: any) => r.id)).toEqual([order.o4])
    }
    expect(counts).toEqual({ normal: 1, vip: 2, null: 1, total: 4 })

    const customers: PivotSpec = {
      source: 'customers',
      rows: [{ field: 'tier' }],
      measures: [{ key: 'n', agg: 'count' }],
    }
    const vip = await asClerk('pivot/drill', {
      spec: customers,
      cell: { rows: [{ value: 'vip' }], columns: [] },
    })
    expect(vip.status, JSON.stringify(vip.body)).toBe(200)
    expect(vip.body.count).toBe(1)
    const [a1] = vip.body.records
    expect(a1.id).toBe(customer.a1)
    expect(a1.phone).toBe('138****0001')
    expect(a1).not.toHaveProperty('note')
  })

  describe('refusals', () => {
    it.each([
      [
        'a hidden field of a joined form',
        { ...byTier, rows: [{ field: 'customer.note' }] },
        400,
        'FIELD_UNKNOWN',
      ],
      [
        'a masked field of a joined form in a filter',
        { ...byTier, filter: { starts_with: [{ var: 'customer.phone' }, '+86138'] } },
        400,
        'FIELD_UNKNOWN',
      ],
      [
        'a masked field in a window',
        { ...byTier, windows: { p: { fn: 'max', field: 'customer.phone', partitionBy: ['store'] } } },
        400,
        'FIELD_UNKNOWN',
      ],
      [
        'a form the role may not read',
        { ...byTier, rows: [{ field: 'customer.store.name' }] },
        403,
        'FORBIDDEN',
      ],
      [
        'a hidden field of a related form',
        {
          source: 'customers',
          related: {
            p: { form: 'orders', via: 'customer', values: { x: { agg: 'max', field: 'quantity' } } },
          },
          measures: [{ key: 'n', agg: 'count' }],
        },
        400,
        'FIELD_UNKNOWN',
      ],
    ])('refuses %s', async (_what, spec, status, code) => {
      const res = await asClerk('pivot', { spec })
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(res.body.code).toBe(code)
    })
  })
})
