/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import type { AppDefinition, FormPermission } from '@trellis/form-engine'
import type { PivotSpec } from '@trellis/report-engine'
import { expect } from 'vitest'
import type { useApi } from './api.js'
import { shopApp } from './shop-app.js'

export const byStore = { '==': [{ var: 'store' }, { var: '$user.store' }] }

/** Orders carry their store; a clerk sees their store's orders and customers, phones masked, no stores form. */
export function storeClerkApp(
  key: string,
  orders: FormPermission = { actions: ['read', 'export'], scope: byStore },
): AppDefinition {
  const app = shopApp(key)
  app.forms
    .find((f) => f.key === 'orders')!
    .fields.push({
      key: 'store',
      type: 'relation',
      label: { 'zh-CN': '门店', en: 'Store' },
      relation: { form: 'stores' },
    })
  app.roles = [
    {
      key: 'clerk',
      label: { 'zh-CN': '店员', en: 'Clerk' },
      forms: {
        customers: { actions: ['read'], scope: byStore, hidden: ['note'], masked: ['phone'] },
        orders,
      },
    },
  ]
  return app
}

/** A one-column grid as `[row label or "total", ...measures]`, in grid order. */
export function table(grid: any): unknown[][] {
  return grid.rows.map((row: any, ri: number) => [
    row.total ? 'total' : row.cells[0].value,
    ...grid.values[ri][0].map((v: unknown) => (v === null ? null : Number(v))),
  ])
}

export const revenueByTier: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'customer.tier' }],
  measures: [
    { key: 'n', agg: 'count' },
    { key: 'revenue', agg: 'sum', field: 'amount' },
  ],
  totals: { rows: true },
}

/** stores A, B; customers a1 (A, vip), a2 (A, normal), b1 (B, vip); five orders in March and April. */
export async function seedShop(api: ReturnType<typeof useApi>, app: string, username: string) {
  const base = `/api/apps/${app}/forms`
  const store: Record<string, string> = {}
  const customer: Record<string, string> = {}
  for (const name of ['A', 'B'])
    store[name] = (await api.call('POST', `${base}/stores/records`, { values: { name } })).body.id
  for (const [name, s, tier, phone] of [
    ['a1', 'A', 'vip', '+8613800000001'],
    ['a2', 'A', 'normal', '+8613800000002'],
    ['b1', 'B', 'vip', '+8613800000003'],
  ] as const) {
    customer[name] = (
      await api.call('POST', `${base}/customers/records`, { values: { name, store: store[s], tier, phone } })
    ).body.id
  }
  for (const [s, c, amount, day] of [
    ['A', 'a1', 100, '2026-03-05'],
    ['A', 'a2', 30, '2026-03-20'],
    ['A', 'a1', 50, '2026-04-02'],
    ['B', 'b1', 200, '2026-03-10'],
    ['B', 'a1', 500, '2026-04-15'],
  ] as const) {
    const res = await api.call('POST', `${base}/orders/records`, {
      values: { store: store[s], customer: customer[c], amount, status: 'paid', ordered_on: day },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  }
  const user = await api.user({ username, attributes: { store: store.A } })
  await api.call('PUT', `/api/apps/${app}/members/${user.id}`, { role: 'clerk' })
  return { store, customer, clerk: user.token, clerkId: user.id }
}
