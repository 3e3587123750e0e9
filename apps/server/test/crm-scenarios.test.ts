import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const base = '/api/apps/crm/forms'

/**
 * The CRM template's rules and roles with the clock moved forward, as a shop owner would live them:
 * installed through the API (no demo data), driven only through the records API and the automation worker.
 */
describeEachDatabase('CRM template: retention scenarios', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2026-06-01T02:00:00Z')
  let storeA: string
  let storeB: string
  let manager: { id: string; token: string }

  const drain = async () => {
    await api.app.automation.drain()
    await api.app.automation.drain()
  }
  const rows = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(ctx.database.db)).rows
  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${base}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as Record<string, unknown> & { id: string; version: number }
  }

  beforeAll(async () => {
    api.app.automation.clock = clock
    const installed = await api.call('POST', '/api/templates/crm-retention/install', {})
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    storeA = (await create('stores', { code: 'SH01', name: '静安店', city: 'shanghai' })).id
    storeB = (await create('stores', { code: 'SH02', name: '徐汇店', city: 'shanghai' })).id
    manager = await api.user({ username: 'gu_wen', attributes: { store: storeA } })
    await drain()
  })

  describe('birthday coupon', () => {
    it('issues exactly one coupon per year, three days before the birthday, with an SMS when consented', async () => {
      const customer = await create('customers', {
        name: '林小姐',
        phone: '139 1234 5678',
        birthday: '1992-06-15',
        store: storeA,
        consent_sms: true,
      })
      const coupons = () =>
        rows(sql<{ kind: string; value: string; valid_until: string; code: string }>`
          select kind, value::text, valid_until::text, code from app_crm.coupons where customer = ${customer.id}`)
      await drain()
      // 12 June, 08:59 in Shanghai: not yet.
      clock.set('2026-06-12T00:59:00Z')
      await drain()
      expect(await coupons()).toEqual([])
      clock.set('2026-06-12T01:00:00Z')
      await drain()
      const first = await coupons()
      expect(first).toHaveLength(1)
      expect(first[0]).toMatchObject({ kind: 'birthday', value: '30.00', valid_until: '2026-06-26' })
      expect(first[0]!.code).toMatch(/^SR[A-HJ-NP-Z2-9]{10}$/)
      const sms = await rows(sql<{ body: string; recipient: string }>`
        select body, recipient from trellis.messages where rule_key = 'birthday_coupon'`)
      expect(sms).toEqual([
        { body: expect.stringContaining('林小姐，生日快乐'), recipient: '+8613912345678' },
      ])
      // The rest of the year: nothing more, however often the worker runs.
      clock.set('2026-12-31T00:00:00Z')
      await drain()
      expect(await coupons()).toHaveLength(1)
      clock.set('2027-06-12T01:00:00Z')
      await drain()
      await drain()
      expect(await coupons()).toHaveLength(2)
    })

    it('sends no birthday SMS without consent, but still issues the coupon', async () => {
      clock.set('2027-07-01T00:00:00Z')
      const customer = await create('customers', {
        name: '周先生',
        phone: '13712345678',
        birthday: '1985-07-20',
        store: storeA,
      })
      await drain()
      clock.set('2027-07-17T01:00:00Z')
      await drain()
      const issued = await rows(sql<{ n: number }>`
        select count(*)::int as n from app_crm.coupons where customer = ${customer.id}`)
      expect(issued).toEqual([{ n: 1 }])
      const sms = await rows(sql<{ n: number }>`select count(*)::int as n from trellis.messages
        where rule_key = 'birthday_coupon' and recipient = '+8613712345678'`)
      expect(sms).toEqual([{ n: 0 }])
    })
  })

  describe('silent customers', () => {
    it('a tier-S customer silent for 30 days gets a call-back task for their account manager; tier B does not', async () => {
      clock.set('2027-08-01T02:00:00Z')
      const vip = await create('customers', {
        name: '王总',
        phone: '13800138000',
        tier: 'S',
        account_manager: manager.id,
        store: storeA,
      })
      const regular = await create('customers', { name: '路人', tier: 'B', store: storeA })
      // The tier rules recompute the tier on each order: two purchases worth ¥300 or more in 30 days keep S.
      for (const [customer, at] of [
        [vip, '2027-08-01T09:00:00+08:00'],
        [vip, '2027-08-01T10:00:00+08:00'],
        [regular, '2027-08-01T10:00:00+08:00'],
      ] as const) {
        await create('orders', {
          customer: customer.id,
          store: storeA,
          ordered_at: at,
          amount: '168.00',
          status: 'paid',
        })
      }
      await drain()
      const tasks = () =>
        rows(sql<{ customer: string; assignee: string; kind: string; origin: string }>`
          select customer::text, assignee, kind, origin from app_crm.tasks where kind = 'call_back'`)
      clock.set('2027-08-30T12:00:00Z')
      await drain()
      expect(await tasks()).toEqual([])
      clock.set('2027-08-31T12:00:00Z')
      await drain()
      expect(await tasks()).toEqual([
        { customer: vip.id, assignee: manager.id, kind: 'call_back', origin: 'rule' },
      ])
      await drain()
      expect(await tasks()).toHaveLength(1)
    })

    it('at 60 days issues a welcome-back coupon; a purchase re-arms the count from the new date', async () => {
      clock.set('2027-09-01T02:00:00Z')
      const customer = await create('customers', { name: '老顾客', store: storeA })
      await create('orders', {
        customer: customer.id,
        store: storeA,
        ordered_at: '2027-09-01T10:00:00+08:00',
        amount: '60.00',
        status: 'paid',
      })
      await drain()
      // A purchase on day 45 moves the last-purchase date: the day-60 occurrence of the old date is skipped.
      clock.set('2027-10-16T02:00:00Z')
      await create('orders', {
        customer: customer.id,
        store: storeA,
        ordered_at: '2027-10-16T10:00:00+08:00',
        amount: '30.00',
        status: 'paid',
      })
      await drain()
      const winBack = () =>
        rows(sql<{ n: number }>`select count(*)::int as n from app_crm.coupons
          where customer = ${customer.id} and kind = 'win_back'`)
      clock.set('2027-11-05T12:00:00Z')
      await drain()
      expect(await winBack()).toEqual([{ n: 0 }])
      clock.set('2027-12-16T12:00:00Z')
      await drain()
      expect(await winBack()).toEqual([{ n: 1 }])
    })
  })

  describe('VIP threshold and service', () => {
    it('crossing ¥5,000 of spending tags the customer VIP and credits 500 points, once', async () => {
      clock.set('2028-01-10T02:00:00Z')
      const customer = await create('customers', { name: '大客户', store: storeA, consent_wechat: true })
      const order = (amount: string) =>
        create('orders', {
          customer: customer.id,
          store: storeA,
          ordered_at: '2028-01-10T10:00:00+08:00',
          amount,
          status: 'paid',
        })
      await order('4000.00')
      await drain()
      await order('1500.00')
      await drain()
      await order('800.00')
      await drain()
      const now = await api.call('GET', `${base}/customers/records/${customer.id}`)
      expect(now.body).toMatchObject({ total_spent: '6300.00', points_balance: '500' })
      expect(now.body.tags).toContain('vip')
    })

    it('closing a ticket sends one satisfaction survey; saving it again does not', async () => {
      const customer = await create('customers', { name: '投诉顾客', store: storeA })
      const ticket = await create('tickets', {
        customer: customer.id,
        store: storeA,
        category: 'quality',
        subject: '蛋糕奶油变质',
        status: 'new',
        opened_at: '2028-01-10T10:00:00+08:00',
      })
      const close = await api.call('PATCH', `${base}/tickets/records/${ticket.id}`, {
        version: ticket.version,
        values: { status: 'closed', closed_at: '2028-01-11T10:00:00+08:00', resolution: '已退款并致歉' },
      })
      expect(close.status, JSON.stringify(close.body)).toBe(200)
      await drain()
      const again = await api.call('PATCH', `${base}/tickets/records/${ticket.id}`, {
        version: close.body.version,
        values: { resolution: '已退款、致歉并赠券' },
      })
      expect(again.status).toBe(200)
      await drain()
      const surveys = await rows(sql<{ recipient: string; body: string }>`
        select recipient, body from trellis.messages where rule_key = 'ticket_closed_survey'`)
      expect(surveys).toEqual([
        { recipient: customer.id, body: expect.stringContaining(String(close.body.ticket_no)) },
      ])
    })
  })

  describe('roles', () => {
    it("a clerk sees only their store's customers, with phones masked, and may not export", async () => {
      const theirs = await create('customers', { name: '别店客户', phone: '13600136000', store: storeB })
      const clerk = await api.user({ username: 'dian_yuan', attributes: { store: storeA } })
      expect((await api.call('PUT', `/api/apps/crm/members/${clerk.id}`, { role: 'clerk' })).status).toBe(204)
      const listed = await api.callAs(clerk.token, 'GET', `${base}/customers/records?limit=500`)
      expect(listed.status).toBe(200)
      const stores = new Set(listed.body.records.map((r: { store: string }) => r.store))
      expect([...stores]).toEqual([storeA])
      // 王总 was tier S; months without a purchase moved him down, and the phone is in clear again.
      const vip = listed.body.records.find((r: { name: string }) => r.name === '王总')
      expect(vip.tier).not.toBe('S')
      expect(vip.phone).toBe('+8613800138000')
      // A customer who is tier S now is masked.
      const now = await create('customers', { name: '新贵', phone: '13700137000', tier: 'S', store: storeA })
      const asClerk = await api.callAs(clerk.token, 'GET', `${base}/customers/records/${now.id}`)
      expect(asClerk.body.phone).toBe('137****7000')
      expect((await api.callAs(clerk.token, 'GET', `${base}/customers/records/${theirs.id}`)).status).toBe(
        404,
      )
      const exported = await api.callAs(clerk.token, 'GET', `${base}/customers/export.csv`)
      expect(exported.status).toBe(403)
    })
  })
})
