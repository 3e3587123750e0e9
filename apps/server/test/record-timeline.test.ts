import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const base = '/api/apps/crm/forms'
const timelineOf = (form: string, id: string, query = '') => `${base}/${form}/records/${id}/timeline${query}`

/**
 * The 360° view of a CRM customer in one request: the record, every form pointing at it, messages, flows,
 * consents and history, each through the viewer's role (a clerk sees their own store only, contacts masked).
 */
describeEachDatabase('record timeline (360° customer view)', (ctx) => {
  const api = useApi(ctx)
  let storeA: string
  let storeB: string
  let customer: { id: string; version: number }
  let otherStoresCustomer: string
  let orderA: string
  let orderB: string
  let clerk: { id: string; token: string }

  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${base}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as Record<string, unknown> & { id: string; version: number }
  }
  const order = (store: string, day: string, amount: string) =>
    create('orders', { customer: customer.id, store, ordered_at: `${day}T03:00:00Z`, amount, status: 'paid' })

  beforeAll(async () => {
    const installed = await api.call('POST', '/api/templates/crm-retention/install', {})
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    storeA = (await create('stores', { code: 'SH01', name: '静安店', city: 'shanghai' })).id
    storeB = (await create('stores', { code: 'SH02', name: '徐汇店', city: 'shanghai' })).id
    // Tier S: a clerk sees the phone of the chain's best customers masked (the template's maskedWhen).
    customer = await create('customers', { name: '林小姐', phone: '139 1234 5678', store: storeA, tier: 'S' })
    otherStoresCustomer = (await create('customers', { name: '周先生', store: storeB })).id
    orderA = (await order(storeA, '2026-05-01', '88.00')).id
    // The same customer bought once in the other store: that store's clerk must not see it, nor ours theirs.
    orderB = (await order(storeB, '2026-05-03', '120.00')).id
    await create('tasks', { customer: customer.id, title: '电话回访', kind: 'call_back', status: 'open' })
    await create('points_ledger', {
      customer: customer.id,
      kind: 'bonus',
      points: 50,
      occurred_at: '2026-05-02T00:00:00Z',
    })
    const current = await api.call('GET', `${base}/customers/records/${customer.id}`)
    const updated = await api.call('PATCH', `${base}/customers/records/${customer.id}`, {
      version: current.body.version,
      values: { note: '喜欢可颂' },
    })
    expect(updated.status, JSON.stringify(updated.body)).toBe(200)
    await sql`insert into trellis.messages
      (app_key, rule_key, record_id, channel, recipient, locale, body, marketing, status, created_at)
      values ('crm', 'birthday_coupon', ${customer.id}, 'sms', '+8613912345678', 'zh-CN', '生日快乐', true,
        'stored', now())`.execute(ctx.database.db)
    // A message of another form's record with the same id is not this customer's.
    await sql`insert into trellis.messages
      (app_key, rule_key, record_id, channel, recipient, locale, body, marketing, status, created_at)
      values ('crm', 'ticket_closed_survey', ${customer.id}, 'sms', '+8613900000000', 'zh-CN', '请评价', false,
        'stored', now())`.execute(ctx.database.db)
    clerk = await api.user({ username: 'clerk_a', attributes: { store: storeA } })
    expect((await api.call('PUT', `/api/apps/crm/members/${clerk.id}`, { role: 'clerk' })).status).toBe(204)
  })

  describe('as an administrator', () => {
    it('gathers the record, its related records newest first with counts, messages and history', async () => {
      const res = await api.call('GET', timelineOf('customers', customer.id))
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      const body = res.body
      expect(body.record).toMatchObject({ id: customer.id, name: '林小姐', phone: '+8613912345678' })
      expect(body.record.expand.store).toMatchObject({ id: storeA, name: '静安店' })
      expect(body.record.expand.store).toHaveProperty('revenue')
      const orders = body.related.find((r: { form: string }) => r.form === 'orders')
      expect(orders).toMatchObject({ via: 'customer', sort: '-ordered_at', count: 2 })
      expect(orders.records.map((r: { id: string }) => r.id)).toEqual([orderB, orderA])
      const forms = body.related.map((r: { form: string }) => r.form)
      expect(forms).toEqual(
        expect.arrayContaining(['orders', 'tasks', 'points_ledger', 'coupons', 'tickets']),
      )
      expect(body.related.find((r: { form: string }) => r.form === 'tasks').records[0].title).toBe('电话回访')
      expect(body.messages).toEqual([
        expect.objectContaining({ rule: 'birthday_coupon', recipient: '+8613912345678', body: '生日快乐' }),
      ])
      expect(body.audit.map((a: { action: string }) => a.action)).toEqual(['update', 'create'])
      expect(body.audit[0].changed).toContain('note')
    })

    it('limits every list to the page size and hands out a cursor for the rest', async () => {
      const res = await api.call('GET', timelineOf('customers', customer.id, '?limit=1'))
      const orders = res.body.related.find((r: { form: string }) => r.form === 'orders')
      expect(orders.records).toHaveLength(1)
      expect(orders.count).toBe(2)
      const rest = await api.call(
        'GET',
        `${base}/customers/records/${customer.id}/related/orders/customer?sort=-ordered_at&limit=1&cursor=${encodeURIComponent(orders.nextCursor)}`,
      )
      expect(rest.body.records.map((r: { id: string }) => r.id)).toEqual([orderA])
      expect(res.body.audit).toHaveLength(1)
    })

    it("lists the import batch that created the record beside the record's own entries", async () => {
      // As imports/batch-insert.ts writes it: one entry for the batch, the new records' ids in `after.ids`.
      await sql`insert into trellis.audit_log (actor, app_key, form_key, record_id, action, after)
        values ('importer', 'crm', 'customers', '*', 'import.created',
          ${JSON.stringify({ source: 'import:7', ids: ['999998', customer.id] })}::jsonb),
        ('importer', 'crm', 'customers', '*', 'import.created',
          ${JSON.stringify({ source: 'import:8', ids: [otherStoresCustomer] })}::jsonb)`.execute(
        ctx.database.db,
      )
      const res = await api.call('GET', timelineOf('customers', customer.id))
      const actions = res.body.audit.map((a: { action: string }) => a.action)
      expect(actions.filter((a: string) => a === 'import.created')).toHaveLength(1)
      expect(actions).toEqual(expect.arrayContaining(['create', 'update']))
      const batch = res.body.audit.find((a: { action: string }) => a.action === 'import.created')
      expect(batch.after.ids).toEqual([customer.id])
    })

    it('answers 404 for a record that does not exist', async () => {
      expect((await api.call('GET', timelineOf('customers', '999999'))).status).toBe(404)
    })
  })

  describe('as a clerk of one store', () => {
    it("sees only their store's orders of the customer, contacts masked, and no form they may not read", async () => {
      const res = await api.callAs(clerk.token, 'GET', timelineOf('customers', customer.id))
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.record.phone).toBe('139****5678')
      const orders = res.body.related.find((r: { form: string }) => r.form === 'orders')
      expect(orders.records.map((r: { id: string }) => r.id)).toEqual([orderA])
      expect(orders.count).toBe(1)
      // The clerk has no access to surveys or opportunities at all: the sections are absent.
      const forms = res.body.related.map((r: { form: string }) => r.form)
      expect(forms).not.toContain('opportunities')
      expect(res.body.messages[0].recipient).toBe('139****5678')
      for (const entry of res.body.audit) {
        if (entry.after?.phone) expect(entry.after.phone).toBe('139****5678')
      }
    })

    it("embeds the customer's store by name, without the store's figures over orders they may not all read", async () => {
      const res = await api.callAs(clerk.token, 'GET', timelineOf('customers', customer.id))
      expect(res.body.record.expand.store).toMatchObject({ id: storeA, name: '静安店' })
      expect(res.body.record.expand.store).not.toHaveProperty('revenue')
    })

    it("cannot open another store's customer (404, as if absent)", async () => {
      const res = await api.callAs(clerk.token, 'GET', timelineOf('customers', otherStoresCustomer))
      expect(res.status).toBe(404)
    })

    it("cannot reach another store's order through its timeline", async () => {
      expect((await api.callAs(clerk.token, 'GET', timelineOf('orders', orderB))).status).toBe(404)
      expect((await api.callAs(clerk.token, 'GET', timelineOf('orders', orderA))).status).toBe(200)
    })
  })
})
