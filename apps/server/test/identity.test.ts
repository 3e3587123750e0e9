import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

describeEachDatabase('identity resolution: probable duplicates and merging', (ctx) => {
  const api = useApi(ctx)
  let survivor: { id: string; version: number }
  let loser: { id: string; version: number }
  let orders: string[]

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
    const create = async (values: Record<string, unknown>) =>
      (await api.call('POST', `${base}/customers/records`, { values })).body
    survivor = await create({ name: '张三', phone: '13800138000', tier: 'vip' })
    loser = await create({ name: '张 三', note: '微信来的老客户', points: 300 })
    await create({ name: 'Zhang San.', phone: '13900139000' })
    await create({ name: '李四', phone: '13700137000' })
    orders = []
    for (const amount of ['100.00', '250.50']) {
      orders.push(
        (
          await api.call('POST', `${base}/orders/records`, {
            values: { customer: loser.id, amount, status: 'paid' },
          })
        ).body.id,
      )
    }
    loser = (await api.call('GET', `${base}/customers/records/${loser.id}`)).body
  })

  it('finds records whose names match once spaces, case and punctuation are ignored', async () => {
    const res = await api.call('GET', `${base}/customers/duplicates?fields=name`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.groups).toEqual([{ values: { name: '张三' }, ids: [survivor.id, loser.id] }])
    const byPhone = await api.call('GET', `${base}/customers/duplicates?fields=phone`)
    expect(byPhone.body.groups).toEqual([])
    expect((await api.call('GET', `${base}/customers/duplicates?fields=order_count`)).status).toBe(400)
  })

  it('merges: orders move to the survivor, empty fields are filled, the other goes to the trash, all audited', async () => {
    const res = await api.call('POST', `${base}/customers/records/${survivor.id}/merge`, {
      version: survivor.version,
      from: loser.id,
      fromVersion: loser.version,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.moved).toEqual({ 'orders.customer': orders })
    expect(res.body.filled.sort()).toEqual(['note', 'points'])
    expect(res.body.survivor).toMatchObject({
      id: survivor.id,
      name: '张三',
      phone: '+8613800138000',
      tier: 'vip',
      note: '微信来的老客户',
      points: 300,
      order_count: 2,
      total_spent: '350.50',
    })
    for (const id of orders) {
      expect((await api.call('GET', `${base}/orders/records/${id}`)).body.customer).toBe(survivor.id)
    }
    expect((await api.call('GET', `${base}/customers/records/${loser.id}`)).status).toBe(404)
    const { rows } = await sql<{ before: { name: string }; after: Record<string, unknown> }>`
      select before, after from trellis.audit_log where action = 'merge' and record_id = ${survivor.id}`.execute(
      ctx.database.db,
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]!.before.name).toBe('张 三')
    expect(rows[0]!.after).toEqual({
      merged: loser.id,
      moved: { 'orders.customer': orders },
      filled: expect.any(Array),
      chosen: [],
    })
    expect((await api.call('GET', `${base}/customers/duplicates?fields=name`)).body.groups).toEqual([])
  })

  it('refuses a stale review and a self-merge, changing nothing', async () => {
    const a = (await api.call('POST', `${base}/customers/records`, { values: { name: '王五' } })).body
    const b = (await api.call('POST', `${base}/customers/records`, { values: { name: '王五', note: 'x' } }))
      .body
    const stale = await api.call('POST', `${base}/customers/records/${a.id}/merge`, {
      version: a.version,
      from: b.id,
      fromVersion: b.version + 1,
    })
    expect(stale).toMatchObject({ status: 409, body: { code: 'VERSION_CONFLICT' } })
    const self = await api.call('POST', `${base}/customers/records/${a.id}/merge`, {
      version: a.version,
      from: a.id,
      fromVersion: a.version,
    })
    expect(self.status).toBe(400)
    // Nothing changed: both still there.
    expect((await api.call('GET', `${base}/customers/records/${b.id}`)).status).toBe(200)
  })
})
