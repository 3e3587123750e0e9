import type { AppDefinition } from '@trellis/form-engine'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const byStore = { '==': [{ var: 'store' }, { var: '$user.store' }] }

/** The shop app with orders taken in a store, a formula over rollups, and roles that see part of the orders. */
function appWithStoreOrders(): AppDefinition {
  const app = shopApp()
  const customers = app.forms.find((form) => form.key === 'customers')!
  customers.fields.push({
    key: 'average_order',
    type: 'formula',
    label: { 'zh-CN': '客单价', en: 'Average order' },
    resultType: 'decimal',
    scale: 2,
    formula: {
      if: [
        { '>': [{ var: 'order_count' }, 0] },
        { '/': [{ var: 'total_spent' }, { var: 'order_count' }] },
        null,
      ],
    },
  })
  const orders = app.forms.find((form) => form.key === 'orders')!
  orders.fields.push({
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
        customers: { actions: ['read', 'update'], scope: byStore },
        orders: { actions: ['read'], scope: byStore },
      },
    },
    {
      key: 'greeter',
      label: { 'zh-CN': '迎宾', en: 'Greeter' },
      forms: { customers: { actions: ['read'], scope: byStore } },
    },
  ]
  return app
}

const base = '/api/apps/shop/forms'

/**
 * A customer of store A also bought in store B. A clerk of store A may read only store A's orders, so the
 * customer's order count, total spent, last purchase and the average over them must count only those:
 * the stored figures would tell the clerk about purchases they may not see.
 */
describeEachDatabase('access control: rollups count only what the viewer may read', (ctx) => {
  const api = useApi(ctx)
  let customer: string
  let clerk: string
  let greeter: string

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', appWithStoreOrders())).status).toBe(201)
    const published = await api.call('POST', '/api/apps/shop/publish', {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    const storeA = (await api.call('POST', `${base}/stores/records`, { values: { name: 'A' } })).body.id
    const storeB = (await api.call('POST', `${base}/stores/records`, { values: { name: 'B' } })).body.id
    customer = (
      await api.call('POST', `${base}/customers/records`, { values: { name: '两店都买', store: storeA } })
    ).body.id
    const order = (values: Record<string, unknown>) =>
      api.call('POST', `${base}/orders/records`, { values: { customer, status: 'paid', ...values } })
    expect((await order({ amount: '100', store: storeA, ordered_on: '2026-03-01' })).status).toBe(201)
    expect((await order({ amount: '900', store: storeB, ordered_on: '2026-05-01' })).status).toBe(201)
    const c = await api.user({ username: 'clerk_a', attributes: { store: storeA } })
    await api.call('PUT', `/api/apps/shop/members/${c.id}`, { role: 'clerk' })
    clerk = c.token
    const g = await api.user({ username: 'greeter_a', attributes: { store: storeA } })
    await api.call('PUT', `/api/apps/shop/members/${g.id}`, { role: 'greeter' })
    greeter = g.token
  })

  it('the owner sees every purchase', async () => {
    const res = await api.call('GET', `${base}/customers/records/${customer}`)
    expect(res.body).toMatchObject({
      order_count: 2,
      total_spent: '1000.00',
      last_order: '2026-05-01',
      average_order: '500.00',
    })
  })

  it("a clerk sees only their store's purchases, in get, list and the response to their own edit", async () => {
    const seen = { order_count: 1, total_spent: '100.00', last_order: '2026-03-01', average_order: '100.00' }
    const got = await api.callAs(clerk, 'GET', `${base}/customers/records/${customer}`)
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject(seen)
    const listed = await api.callAs(clerk, 'GET', `${base}/customers/records`)
    expect(listed.body.records).toEqual([expect.objectContaining(seen)])
    const edited = await api.callAs(clerk, 'PATCH', `${base}/customers/records/${customer}`, {
      version: got.body.version,
      values: { note: '常客' },
    })
    expect(edited.status, JSON.stringify(edited.body)).toBe(200)
    expect(edited.body).toMatchObject(seen)
  })

  it('a clerk sees the same figures on a customer embedded in an order', async () => {
    const res = await api.callAs(clerk, 'GET', `${base}/orders/records?expand=customer`)
    expect(res.body.records).toHaveLength(1)
    expect(res.body.records[0].expand.customer).toMatchObject({ order_count: 1, total_spent: '100.00' })
  })

  it('someone who may not read orders sees none counted', async () => {
    const res = await api.callAs(greeter, 'GET', `${base}/customers/records/${customer}`)
    expect(res.body).toMatchObject({
      order_count: 0,
      total_spent: '0',
      last_order: null,
      average_order: null,
    })
  })

  it('refuses sorting and filtering on those figures, which would rank by purchases the clerk cannot see', async () => {
    const sorted = await api.callAs(clerk, 'GET', `${base}/customers/records?sort=-total_spent`)
    expect(sorted.status).toBe(400)
    expect(sorted.body.code).toBe('SORT_INVALID')
    const filter = encodeURIComponent(JSON.stringify({ '>': [{ var: 'average_order' }, 200] }))
    const filtered = await api.callAs(clerk, 'GET', `${base}/customers/records?filter=${filter}`)
    expect(filtered.status).toBe(400)
    expect(filtered.body.code).toBe('FILTER_INVALID')
    // The owner still sorts by them.
    expect((await api.call('GET', `${base}/customers/records?sort=-total_spent`)).status).toBe(200)
  })
})
