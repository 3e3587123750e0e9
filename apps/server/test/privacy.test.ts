import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

describeEachDatabase('personal data: audit, consent, export, erasure', (ctx) => {
  const api = useApi(ctx)
  let customer: string

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
    customer = (
      await api.call('POST', `${base}/customers/records`, {
        values: { name: '=HYPERLINK("x")', phone: '13812345678' },
      })
    ).body.id
    await api.call('PATCH', `${base}/customers/records/${customer}`, {
      version: 1,
      values: { phone: '13887654321' },
    })
    for (const amount of ['120.00', '80.50']) {
      await api.call('POST', `${base}/orders/records`, { values: { customer, amount, status: 'paid' } })
    }
  })

  describe('audit log', () => {
    it('refuses updates and deletes in the database itself', async () => {
      await expect(
        sql`update trellis.audit_log set actor = 'forger'`.execute(ctx.database.db),
      ).rejects.toThrow(/append-only/)
      await expect(sql`delete from trellis.audit_log`.execute(ctx.database.db)).rejects.toThrow(/append-only/)
    })

    it('answers who changed a record, newest first, for admins only', async () => {
      const res = await api.call('GET', `/api/audit?app=shop&form=customers&record=${customer}`)
      expect(res.status).toBe(200)
      expect(res.body.entries.map((e: { action: string }) => e.action)).toEqual(['update', 'create'])
      expect(res.body.entries[0].actor).toMatch(/^admin_/)
      const clerk = await api.user({ username: 'nosy' })
      expect((await api.callAs(clerk.token, 'GET', '/api/audit')).status).toBe(403)
    })
  })

  describe('consent', () => {
    it('keeps every grant and withdrawal; the latest per channel counts', async () => {
      const url = `${base}/customers/records/${customer}/consents`
      await api.call('POST', url, { channel: 'sms', granted: true, source: '门店登记表' })
      await api.call('POST', url, { channel: 'wechat', granted: true, source: '小程序' })
      const res = await api.call('POST', url, { channel: 'sms', granted: false, source: '短信回复 TD' })
      expect(res.body.current).toMatchObject({
        sms: { granted: false, source: '短信回复 TD' },
        wechat: { granted: true },
      })
      expect(
        res.body.history.map((h: { channel: string; granted: boolean }) => `${h.channel}:${h.granted}`),
      ).toEqual(['sms:true', 'wechat:true', 'sms:false'])
      expect((await api.call('POST', url, { channel: 'fax', granted: true, source: 'x' })).status).toBe(400)
    })
  })

  describe('data-subject export', () => {
    it('gathers the record, the records pointing at it, consents and the audit trail', async () => {
      const res = await api.call('GET', `${base}/customers/records/${customer}/subject-export`)
      expect(res.status).toBe(200)
      expect(res.body.subject.record).toMatchObject({ id: customer, phone: '+8613887654321' })
      expect(res.body.related['orders.customer'].map((o: { amount: string }) => o.amount)).toEqual([
        '120.00',
        '80.50',
      ])
      expect(res.body.consents.history).toHaveLength(3)
      expect(res.body.audit.length).toBeGreaterThanOrEqual(4)
    })

    it('as CSV, with spreadsheet formulas neutralized', async () => {
      const res = await api.app.inject({
        method: 'GET',
        url: `${base}/customers/records/${customer}/subject-export?format=csv`,
        headers: api.headers,
      })
      expect(res.headers['content-type']).toContain('text/csv')
      expect(res.body.startsWith('\uFEFFform,record_id,field,value')).toBe(true)
      expect(res.body).toContain(`customers,${customer},name,"'=HYPERLINK(""x"")"`)
      expect(res.body).toContain(`customers,${customer},phone,'+8613887654321`)
    })
  })

  describe('erasure', () => {
    it('blanks personal fields everywhere they were kept, and keeps the aggregates', async () => {
      const before = (await api.call('GET', `${base}/customers/records/${customer}`)).body
      const res = await api.call('POST', `${base}/customers/records/${customer}/erase`, { confirm: true })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.erased.customers).toEqual({ records: 1, fields: ['phone'] })
      const after = (await api.call('GET', `${base}/customers/records/${customer}`)).body
      expect(after.phone).toBeNull()
      expect(after.total_spent).toBe(before.total_spent)
      expect(after.order_count).toBe(2)
      const { rows } = await sql<{ n: string }>`select count(*) as n from trellis.audit_log
        where before::text like '%13887654321%' or after::text like '%13887654321%'
           or before::text like '%13812345678%' or after::text like '%13812345678%'`.execute(ctx.database.db)
      expect(Number(rows[0]!.n)).toBe(0)
      const events = await sql<{
        n: string
      }>`select count(*) as n from trellis.outbox where payload::text like '%1388765%' or payload::text like '%1381234%'`.execute(
        ctx.database.db,
      )
      expect(Number(events.rows[0]!.n)).toBe(0)
      const log = await api.call('GET', `/api/audit?record=${customer}&action=erasure`)
      expect(log.body.entries).toHaveLength(1)
      // The append-only guard is back outside the erasure.
      await expect(sql`update trellis.audit_log set actor = 'x'`.execute(ctx.database.db)).rejects.toThrow(
        /append-only/,
      )
    })

    it('needs an explicit confirmation and an administrator', async () => {
      expect((await api.call('POST', `${base}/customers/records/${customer}/erase`, {})).status).toBe(400)
      const clerk = await api.user({ username: 'eraser' })
      expect(
        (
          await api.callAs(clerk.token, 'POST', `${base}/customers/records/${customer}/erase`, {
            confirm: true,
          })
        ).status,
      ).toBe(403)
    })
  })
})
