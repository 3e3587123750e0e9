import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

describeEachDatabase('rollups stay right as related records change', (ctx) => {
  const api = useApi(ctx)
  let alice: string
  let bob: string
  const customer = async (id: string) => (await api.call('GET', `${base}/customers/records/${id}`)).body
  const order = async (values: object) => {
    const res = await api.call('POST', `${base}/orders/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string; version: number }
  }

  beforeAll(async () => {
    const app = shopApp()
    // A formula over rollups: kept right when the rollups move, not only when the customer is edited.
    app.forms[1]!.fields.push({
      key: 'avg_spent',
      type: 'formula',
      label: { 'zh-CN': '客单价', en: 'Average order' },
      resultType: 'number',
      formula: {
        if: [
          { '>': [{ var: 'order_count' }, 0] },
          { '/': [{ var: 'total_spent' }, { var: 'order_count' }] },
          null,
        ],
      },
    })
    await api.call('POST', '/api/apps', app)
    await api.call('POST', '/api/apps/shop/publish', {})
    alice = (await api.call('POST', `${base}/customers/records`, { values: { name: 'Alice' } })).body.id
    bob = (await api.call('POST', `${base}/customers/records`, { values: { name: 'Bob' } })).body.id
  })

  it('counts, sums and takes the latest date of matching children on create', async () => {
    await order({ customer: alice, amount: '0.10', status: 'paid', ordered_on: '2026-03-01' })
    await order({ customer: alice, amount: '0.20', status: 'paid', ordered_on: '2026-05-09' })
    await order({ customer: alice, amount: '99', status: 'refunded', ordered_on: '2026-06-01' })
    // Exact money: 0.10 + 0.20 is 0.30, not 0.30000000000000004.
    expect(await customer(alice)).toMatchObject({
      order_count: 2,
      total_spent: '0.30',
      last_order: '2026-05-09',
    })
    expect(await customer(bob)).toMatchObject({ order_count: 0, total_spent: '0', last_order: null })
  })

  it('moves totals when an order is moved to another customer', async () => {
    const o = await order({ customer: alice, amount: '50', status: 'paid', ordered_on: '2026-07-01' })
    expect(await customer(alice)).toMatchObject({
      order_count: 3,
      total_spent: '50.30',
      last_order: '2026-07-01',
    })
    const moved = await api.call('PATCH', `${base}/orders/records/${o.id}`, {
      version: o.version,
      values: { customer: bob },
    })
    expect(moved.status).toBe(200)
    expect(await customer(alice)).toMatchObject({
      order_count: 2,
      total_spent: '0.30',
      last_order: '2026-05-09',
    })
    expect(await customer(bob)).toMatchObject({
      order_count: 1,
      total_spent: '50.00',
      last_order: '2026-07-01',
    })
  })

  it('follows the condition when a child stops matching, and deletes and restores', async () => {
    const o = await order({ customer: bob, amount: '5', status: 'paid', ordered_on: '2026-08-01' })
    expect(await customer(bob)).toMatchObject({ order_count: 2, total_spent: '55.00' })
    const refunded = await api.call('PATCH', `${base}/orders/records/${o.id}`, {
      version: 1,
      values: { status: 'refunded' },
    })
    expect(await customer(bob)).toMatchObject({
      order_count: 1,
      total_spent: '50.00',
      last_order: '2026-07-01',
    })
    await api.call('PATCH', `${base}/orders/records/${o.id}`, {
      version: refunded.body.version,
      values: { status: 'paid' },
    })
    expect(await customer(bob)).toMatchObject({ order_count: 2, last_order: '2026-08-01' })
    await api.call('DELETE', `${base}/orders/records/${o.id}`)
    expect(await customer(bob)).toMatchObject({
      order_count: 1,
      total_spent: '50.00',
      last_order: '2026-07-01',
    })
    await api.call('POST', `${base}/orders/records/${o.id}/restore`)
    expect(await customer(bob)).toMatchObject({
      order_count: 2,
      total_spent: '55.00',
      last_order: '2026-08-01',
    })
  })

  it('announces a changed rollup in the outbox, without bumping the customer version', async () => {
    const before = await customer(alice)
    await order({ customer: alice, amount: '1000', status: 'paid', ordered_on: '2026-09-01' })
    const after = await customer(alice)
    expect(after.total_spent).toBe('1000.30')
    expect(after.version).toBe(before.version)
    const { rows } = await sql<{
      payload: { changed: string[]; after: Record<string, unknown>; cause: string }
    }>`
      select payload from trellis.outbox where topic = 'record.updated' and payload->>'form' = 'customers'
      and payload->>'id' = ${alice} order by id desc limit 3`.execute(ctx.database.db)
    const spent = rows.find((r) => r.payload.changed.includes('total_spent'))
    // One event for the customer, every moved rollup in it, values as the records API writes them.
    expect(spent?.payload).toEqual({
      app: 'shop',
      form: 'customers',
      id: alice,
      cause: 'rollup',
      changed: ['order_count', 'total_spent', 'last_order'],
      before: {
        order_count: before.order_count,
        total_spent: before.total_spent,
        last_order: before.last_order,
      },
      after: { order_count: before.order_count + 1, total_spent: '1000.30', last_order: '2026-09-01' },
    })
  })

  it('refuses to delete nothing twice and keeps totals when a write fails', async () => {
    const before = await customer(alice)
    const bad = await api.call('POST', `${base}/orders/records`, {
      values: { customer: alice, amount: 'lots', status: 'paid' },
    })
    expect(bad.status).toBe(400)
    expect(await customer(alice)).toMatchObject({
      total_spent: before.total_spent,
      order_count: before.order_count,
    })
  })
  it('follows an edited amount, and leaves totals and events alone when an edit touches no input', async () => {
    const dave = (await api.call('POST', `${base}/customers/records`, { values: { name: 'Dave' } })).body.id
    const o = await order({ customer: dave, amount: '10', status: 'paid', ordered_on: '2026-09-02' })
    const events = async () =>
      Number(
        (
          await sql<{ n: number }>`select count(*)::int as n from trellis.outbox
            where payload->>'form' = 'customers' and payload->>'id' = ${dave}`.execute(ctx.database.db)
        ).rows[0]!.n,
      )
    const edited = await api.call('PATCH', `${base}/orders/records/${o.id}`, {
      version: o.version,
      values: { amount: '12.50' },
    })
    expect(edited.status).toBe(200)
    expect(await customer(dave)).toMatchObject({ order_count: 1, total_spent: '12.50' })
    const seen = await events()
    // Quantity is read by no rollup: nothing to refresh, no event about the customer.
    const untouched = await api.call('PATCH', `${base}/orders/records/${o.id}`, {
      version: edited.body.version,
      values: { quantity: 3 },
    })
    expect(untouched.status).toBe(200)
    expect(await events()).toBe(seen)
    expect(await customer(dave)).toMatchObject({ order_count: 1, total_spent: '12.50' })
  })

  it('loses no order when many are written at once for one customer', async () => {
    const carol = (await api.call('POST', `${base}/customers/records`, { values: { name: 'Carol' } })).body.id
    // Written at once (on PostgreSQL each in its own transaction and connection): every total must count all
    // of them, as a single-threaded run would. Recomputed inside the waiting UPDATE, totals lost orders.
    const amounts = Array.from({ length: 24 }, (_, i) => i + 1)
    await Promise.all(
      amounts.map((n, i) =>
        order({
          customer: carol,
          amount: `${n}.25`,
          status: 'paid',
          ordered_on: `2026-10-${String(i + 1).padStart(2, '0')}`,
        }),
      ),
    )
    expect(await customer(carol)).toMatchObject({
      order_count: 24,
      total_spent: `${amounts.reduce((a, b) => a + b, 0) + 24 * 0.25}.00`,
      last_order: '2026-10-24',
    })
  })
})
