/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are checked by assertions */
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const base = '/api/apps/crm/forms'

/**
 * The CRM template's flows with the clock moved forward: a silent tier-S customer gets a call-back task at
 * 30 days and enters the win-back journey at 90; a purchase mid-journey ends it, silence to the end marks the
 * customer churned; a service ticket goes through acknowledgement, assignment, handling and closing, with one
 * survey, and escalates to the store manager when overdue. Only the records API, the inbox and the workers.
 */
describeEachDatabase('CRM template: flows with the clock moved forward', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2026-06-01T02:00:00Z')
  let store: string
  let adviser: { id: string; token: string }
  let agent: { id: string; token: string }
  let manager: { id: string; token: string }

  const drain = async () => {
    await api.app.automation.drain()
    await api.app.flows.runDueTimers()
    await api.app.automation.drain()
  }
  const at = async (iso: string) => {
    clock.set(iso)
    await drain()
  }
  const rows = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(ctx.database.db)).rows
  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${base}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as Record<string, any> & { id: string; version: number }
  }
  const read = async (form: string, id: string) =>
    (await api.call('GET', `${base}/${form}/records/${id}`)).body
  const instances = async (flow: string, recordId: string) =>
    (await api.call('GET', `/api/apps/crm/flow-instances?flow=${flow}&recordId=${recordId}`)).body.instances
  const order = (customer: string, isoLocal: string) =>
    create('orders', { customer, store, ordered_at: isoLocal, amount: '168.00', status: 'paid' })
  const journeyCoupons = async (customer: string) =>
    (
      await rows(sql<{ n: number }>`select count(*)::int as n from app_crm.coupons
        where customer = ${customer} and code like 'WB%'`)
    )[0]!.n
  const wechats = async (recipient: string) =>
    (
      await rows(sql<{ n: number }>`select count(*)::int as n from trellis.messages
        where channel = 'wechat' and recipient = ${recipient}`)
    )[0]!.n

  beforeAll(async () => {
    api.app.automation.clock = clock
    api.app.flows.clock = clock
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).status).toBe(201)
    store = (await create('stores', { code: 'SH01', name: '静安店', city: 'shanghai' })).id
    adviser = await api.user({ username: 'gu_wen_flow', attributes: { store } })
    agent = await api.user({ username: 'ke_fu', attributes: { store } })
    manager = await api.user({ username: 'dian_zhang', attributes: { store } })
    for (const [user, role] of [
      [agent, 'service_agent'],
      [manager, 'store_manager'],
    ] as const)
      expect((await api.call('PUT', `/api/apps/crm/members/${user.id}`, { role })).status).toBe(204)
    await drain()
  })

  it('publishes every rule and flow of the template without a problem', async () => {
    const rules = (await api.call('GET', '/api/apps/crm/rules')).body.rules
    expect(rules.length).toBeGreaterThanOrEqual(10)
    for (const rule of rules) expect(rule.issues, rule.key).toEqual([])
    const flows = (await api.call('GET', '/api/apps/crm/flows')).body
    expect(flows.flows.map((f: any) => f.key)).toEqual([
      'service_ticket',
      'win_back',
      'quote_approval',
      'pipeline_stall',
    ])
    expect(flows.issues.filter((i: any) => i.severity === 'error')).toEqual([])
  })

  describe('silent customers and the win-back journey', () => {
    let vip: Record<string, any>
    let quiet: Record<string, any>

    beforeAll(async () => {
      vip = await create('customers', {
        name: '王总',
        phone: '13800138000',
        wechat_id: 'wang_vip',
        consent_wechat: true,
        tier: 'S',
        account_manager: adviser.id,
        store,
      })
      quiet = await create('customers', {
        name: '沉默顾客',
        wechat_id: 'quiet_one',
        consent_wechat: true,
        tier: 'A',
        store,
      })
      // Two purchases of ¥168 in 30 days: the tier rules keep the VIP in tier S.
      await order(vip.id, '2026-06-01T09:00:00+08:00')
      await order(vip.id, '2026-06-01T10:00:00+08:00')
      await order(quiet.id, '2026-06-01T10:00:00+08:00')
      await drain()
    })

    it('a tier-S customer silent for 30 days gets one call-back task for their account manager', async () => {
      await at('2026-07-01T02:00:01Z')
      const tasks = await rows(sql<{ assignee: string }>`select assignee from app_crm.tasks
        where customer = ${vip.id} and kind = 'call_back'`)
      expect(tasks).toEqual([{ assignee: adviser.id }])
    })

    it('at 90 days enters the win-back journey: marked dormant, a warm WeChat message', async () => {
      await at('2026-08-30T01:59:00Z')
      expect(await instances('win_back', vip.id)).toEqual([])
      await at('2026-08-30T02:00:01Z')
      const [journey] = await instances('win_back', vip.id)
      expect(journey).toMatchObject({ status: 'running', currentNodes: ['wait_7'] })
      expect((await read('customers', vip.id)).lifecycle).toBe('dormant')
      // First-purchase tips (day 7), the welcome-back coupon's message (day 60), the journey's warm message.
      expect(await wechats('wang_vip')).toBe(3)
      expect(await instances('win_back', quiet.id)).toHaveLength(1)
    })

    it('a week later: a time-limited coupon and its message', async () => {
      await at('2026-09-06T02:00:01Z')
      expect(await journeyCoupons(vip.id)).toBe(1)
      expect(await wechats('wang_vip')).toBe(4)
      expect((await instances('win_back', vip.id))[0].currentNodes).toEqual(['wait_14'])
    })

    it('a purchase mid-journey ends it: active again, no further offer', async () => {
      clock.set('2026-09-10T04:00:00Z')
      await order(vip.id, '2026-09-10T12:00:00+08:00')
      await drain()
      expect((await read('customers', vip.id)).lifecycle).toBe('active')
      await at('2026-09-20T02:00:01Z')
      const [journey] = await instances('win_back', vip.id)
      expect(journey.status).toBe('completed')
      const detail = (await api.call('GET', `/api/flow-instances/${journey.id}`)).body
      expect(detail.result ?? detail.state?.result ?? detail.data?.result).toBe('returned')
      expect(await journeyCoupons(vip.id)).toBe(1)
      expect(await wechats('wang_vip')).toBe(4)
    })

    it('a customer silent to the end gets both offers and is marked churned', async () => {
      await at('2026-10-20T02:00:01Z')
      const [journey] = await instances('win_back', quiet.id)
      expect(journey.status).toBe('completed')
      expect((await read('customers', quiet.id)).lifecycle).toBe('churned')
      expect(await journeyCoupons(quiet.id)).toBe(2)
    })
  })

  describe('service tickets', () => {
    const inbox = async (user: { token: string }, instanceId: string) =>
      (await api.callAs(user.token, 'GET', '/api/inbox?app=crm')).body.tasks.filter(
        (t: any) => t.instanceId === instanceId,
      )
    const completeOnly = async (user: { token: string }, instanceId: string, node: string) => {
      const [task] = await inbox(user, instanceId)
      expect(task?.nodeId).toBe(node)
      const done = await api.callAs(user.token, 'POST', `/api/tasks/${task.id}/complete`, {
        outcome: 'approve',
      })
      expect(done.status, JSON.stringify(done.body)).toBe(200)
    }

    it('acknowledged, assigned, handled and closed by the flow, with exactly one survey', async () => {
      clock.set('2026-11-01T02:00:00Z')
      const customer = await create('customers', { name: '投诉顾客', store })
      const ticket = await create('tickets', {
        customer: customer.id,
        store,
        category: 'quality',
        subject: '蛋糕奶油变质',
        opened_at: '2026-11-01T10:00:00+08:00',
      })
      await drain()
      const [flow] = await instances('service_ticket', ticket.id)
      expect(flow.currentNodes).toEqual(['assign'])
      const acks = await rows(sql<{ body: string }>`select body from trellis.messages
        where recipient = ${customer.id} and body like '%已受理%'`)
      expect(acks).toHaveLength(1)
      await completeOnly(agent, flow.id, 'assign')
      expect((await read('tickets', ticket.id)).status).toBe('in_progress')
      await completeOnly(agent, flow.id, 'handle')
      await drain()
      expect(await read('tickets', ticket.id)).toMatchObject({ status: 'closed' })
      const surveys = await rows(sql<{ n: number }>`select count(*)::int as n from trellis.messages
        where rule_key = 'ticket_closed_survey' and recipient = ${customer.id}`)
      expect(surveys).toEqual([{ n: 1 }])
      expect((await instances('service_ticket', ticket.id))[0].status).toBe('completed')
    })

    it('an overdue ticket becomes urgent and goes to the store manager', async () => {
      clock.set('2026-11-05T02:00:00Z')
      const customer = await create('customers', { name: '催单顾客', store })
      const ticket = await create('tickets', {
        customer: customer.id,
        store,
        category: 'delivery',
        subject: '生日蛋糕未送达',
        opened_at: '2026-11-05T10:00:00+08:00',
      })
      await drain()
      const [flow] = await instances('service_ticket', ticket.id)
      await completeOnly(agent, flow.id, 'assign')
      await at('2026-11-07T01:59:00Z')
      expect((await read('tickets', ticket.id)).priority).not.toBe('urgent')
      await at('2026-11-07T02:00:01Z')
      expect((await read('tickets', ticket.id)).priority).toBe('urgent')
      expect(await inbox(agent, flow.id)).toEqual([])
      await completeOnly(manager, flow.id, 'manager_handle')
      await drain()
      expect((await read('tickets', ticket.id)).status).toBe('closed')
    })
  })

  it('points expiring within 30 days: one in-app reminder per earning entry, 30 days ahead', async () => {
    clock.set('2026-12-01T02:00:00Z')
    const customer = await create('customers', { name: '积分顾客', store })
    const entry = {
      customer: customer.id,
      kind: 'earn',
      points: 120,
      occurred_at: '2026-12-01T10:00:00+08:00',
      expires_on: '2027-01-15',
    }
    await create('points_ledger', entry)
    await create('points_ledger', { ...entry, kind: 'redeem', points: -50 })
    await drain()
    const reminders = () =>
      rows(sql<{ body: string }>`select body from trellis.messages
        where rule_key = 'points_expiry_reminder' and recipient = ${customer.id}`)
    await at('2026-12-16T00:59:00Z')
    expect(await reminders()).toEqual([])
    await at('2026-12-16T01:00:01Z')
    expect(await reminders()).toEqual([{ body: expect.stringContaining('120 积分将于 2027-01-15 到期') }])
    await at('2026-12-24T01:00:00Z')
    expect(await reminders()).toHaveLength(1)
  })
})
