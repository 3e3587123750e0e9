import type { AppDefinition } from '@trellis/form-engine'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

function appWithClerk(): AppDefinition {
  const app = shopApp()
  app.roles = [
    {
      key: 'clerk',
      label: { 'zh-CN': '店员', en: 'Clerk' },
      forms: {
        customers: {
          actions: ['read'],
          scope: { '==': [{ var: 'store' }, { var: '$user.store' }] },
          hidden: ['note'],
          masked: ['phone'],
        },
      },
    },
  ]
  return app
}

const base = '/api/apps/shop/forms'
const total = (res: { body: { grid: { values: number[][][] } } }) => res.body.grid.values[0]![0]![0]

describeEachDatabase('access control in pivots', (ctx) => {
  const api = useApi(ctx)
  let clerk: string

  beforeAll(async () => {
    await api.call('POST', '/api/apps', appWithClerk())
    await api.call('POST', '/api/apps/shop/publish', {})
    const a = (await api.call('POST', `${base}/stores/records`, { values: { name: 'A' } })).body.id
    const b = (await api.call('POST', `${base}/stores/records`, { values: { name: 'B' } })).body.id
    for (const [name, store] of [
      ['a1', a],
      ['a2', a],
      ['b1', b],
      ['b2', b],
      ['b3', b],
    ]) {
      await api.call('POST', `${base}/customers/records`, { values: { name, store, tier: 'vip' } })
    }
    const user = await api.user({ username: 'pivot_clerk', attributes: { store: a } })
    await api.call('PUT', `/api/apps/shop/members/${user.id}`, { role: 'clerk' })
    clerk = user.token
  })

  const count = { source: 'customers', measures: [{ key: 'n', agg: 'count' }] }

  it('aggregates only the rows inside the viewer’s scope, before aggregation', async () => {
    const admin = await api.call('POST', '/api/apps/shop/pivot', { spec: count })
    expect(admin.status, JSON.stringify(admin.body)).toBe(200)
    expect(total(admin)).toBe(5)
    const mine = await api.callAs(clerk, 'POST', '/api/apps/shop/pivot', { spec: count })
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    expect(total(mine)).toBe(2)
    // A filter cannot widen the scope.
    const widened = await api.callAs(clerk, 'POST', '/api/apps/shop/pivot', {
      spec: { ...count, filter: { or: [true, true] } },
    })
    expect(total(widened)).toBe(2)
  })

  it('refuses joins to forms the role cannot read, hidden and masked fields', async () => {
    const join = await api.callAs(clerk, 'POST', '/api/apps/shop/pivot', {
      spec: { ...count, rows: [{ field: 'store.name' }] },
    })
    expect(join.body.code).toBe('FORBIDDEN')
    const hidden = await api.callAs(clerk, 'POST', '/api/apps/shop/pivot', {
      spec: { ...count, rows: [{ field: 'note' }] },
    })
    expect(hidden.body.code).toBe('FIELD_UNKNOWN')
    const masked = await api.callAs(clerk, 'POST', '/api/apps/shop/pivot', {
      spec: { ...count, filter: { starts_with: [{ var: 'phone' }, '+86138'] } },
    })
    expect(masked.body.code).toBe('FIELD_UNKNOWN')
    const orders = await api.callAs(clerk, 'POST', '/api/apps/shop/pivot', {
      spec: { source: 'orders', measures: [{ key: 'n', agg: 'count' }] },
    })
    expect(orders.body.code).toBe('FORBIDDEN')
  })
})
