import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { retentionApp } from './rules-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const rules = [
  {
    key: 'vip_upgrade',
    trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['total_spent'] },
    condition: { and: [{ '>=': [{ var: 'total_spent' }, 5000] }, { '!=': [{ var: 'tier' }, 'vip'] }] },
    actions: [
      { type: 'set_fields', values: { tier: 'vip', points: { '+': [{ var: 'points' }, 100] } } },
      { type: 'add_tags', field: 'tags', tags: ['vip'] },
      {
        type: 'notify',
        channel: 'in_app',
        to: { var: 'name' },
        body: { 'zh-CN': '{{name}} 升级为 {{tier}}，积分 {{points}}' },
      },
    ],
  },
  {
    key: 'welcome',
    trigger: { kind: 'record', form: 'customers', on: ['created'] },
    actions: [
      {
        type: 'notify',
        channel: 'sms',
        to: { var: 'phone' },
        locale: { var: 'lang' },
        body: { 'zh-CN': '{{name}}，欢迎光临！', en: 'Welcome, {{name}}!' },
        marketing: true,
        consentField: 'consent',
      },
    ],
  },
  {
    key: 'tier_changed',
    trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['tier'] },
    condition: { '==': [{ var: '$before.tier' }, 'vip'] },
    actions: [{ type: 'remove_tags', field: 'tags', tags: ['vip'] }],
  },
  {
    key: 'refund_alert',
    trigger: { kind: 'record', form: 'orders', on: ['deleted'] },
    actions: [
      {
        type: 'notify',
        channel: 'email',
        to: 'boss@shop.cn',
        subject: { 'zh-CN': '订单删除' },
        body: { 'zh-CN': '订单 {{id}} 金额 {{amount}} 已删除' },
      },
    ],
  },
  {
    key: 'birthday_coupon',
    trigger: { kind: 'date', form: 'customers', field: 'birthday', amount: -3, yearly: true },
    actions: [
      {
        type: 'create_record',
        form: 'coupons',
        values: { customer: { var: 'id' }, amount: 20, reason: 'birthday' },
        codes: { code: { prefix: 'SR', length: 8 } },
      },
    ],
  },
  {
    key: 'dormant_callback',
    trigger: { kind: 'date', form: 'customers', field: 'last_order', amount: 90 },
    actions: [
      {
        type: 'create_record',
        form: 'tasks',
        values: { customer: { var: 'id' }, title: { cat: ['回访 ', { var: 'name' }] } },
      },
      { type: 'add_tags', field: 'tags', tags: ['dormant'] },
    ],
  },
  {
    key: 'weekly_digest',
    trigger: { kind: 'cron', cron: '0 9 * * 1' },
    actions: [{ type: 'notify', channel: 'email', to: 'boss@shop.cn', body: { 'zh-CN': '本周客户周报' } }],
  },
  {
    key: 'campaign',
    trigger: { kind: 'manual', form: 'customers' },
    condition: { in: ['老客', { var: 'tags' }] },
    actions: [{ type: 'add_tags', field: 'tags', tags: ['spring_campaign'] }],
  },
]

describeEachDatabase('rules: triggers and actions with a moving clock', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2025-03-01T00:00:00Z')
  const base = '/api/apps/retail/forms'
  const drain = () => api.app.automation.drain()
  const db = () => ctx.database.db
  const messages = async (rule: string) =>
    (
      await sql<{
        recipient: string
        body: string
        locale: string
        channel: string
      }>`select recipient, body, locale, channel
      from trellis.messages where rule_key = ${rule} order by id`.execute(db())
    ).rows
  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${base}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body
  }
  const get = async (form: string, id: string) =>
    (await api.call('GET', `${base}/${form}/records/${id}`)).body

  beforeAll(async () => {
    api.app.automation.clock = clock
    expect((await api.call('POST', '/api/apps', retentionApp('retail', rules))).status).toBe(201)
    const published = await api.call('POST', '/api/apps/retail/publish', {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    // The first round arms the time-based rules from "now".
    await drain()
  })

  it('lists the published rules, all valid and enabled', async () => {
    const res = await api.call('GET', '/api/apps/retail/rules')
    expect(res.status).toBe(200)
    expect(
      res.body.rules.map((r: { key: string; enabled: boolean; issues: unknown[] }) => [
        r.key,
        r.enabled,
        r.issues.length,
      ]),
    ).toEqual(rules.map((r) => [r.key, true, 0]))
  })

  it('record created: a marketing SMS goes only to customers who consented, in their language', async () => {
    await create('customers', { name: '王芳', phone: '13800000001', consent: ['sms'] })
    await create('customers', { name: 'Amy', phone: '13800000002', consent: ['sms', 'email'], lang: 'en' })
    await create('customers', { name: '李雷', phone: '13800000003', consent: ['email'] })
    await drain()
    expect(await messages('welcome')).toEqual([
      { recipient: '+8613800000001', body: '王芳，欢迎光临！', locale: 'zh-CN', channel: 'sms' },
      { recipient: '+8613800000002', body: 'Welcome, Amy!', locale: 'en', channel: 'sms' },
    ])
    const runs = await api.call('GET', '/api/apps/retail/rule-runs?rule=welcome')
    const skipped = runs.body.runs.filter(
      (r: { effects: Array<{ skipped?: string }> }) => r.effects?.[0]?.skipped === 'NO_CONSENT',
    )
    expect(skipped).toHaveLength(1)
  })

  it('record updated through a rollup: the VIP upgrade sets fields, tags and notifies once', async () => {
    const c = await create('customers', { name: '赵敏', points: 5 })
    await create('orders', { customer: c.id, amount: '3000', status: 'paid', ordered_on: '2025-03-01' })
    await drain()
    expect((await get('customers', c.id)).tier).toBeNull()
    await create('orders', { customer: c.id, amount: '2500', status: 'paid', ordered_on: '2025-03-01' })
    await drain()
    const after = await get('customers', c.id)
    expect(after).toMatchObject({ tier: 'vip', points: 105, tags: ['vip'], total_spent: '5500.00' })
    // A third order changes total_spent again, but the condition (not yet VIP) no longer holds.
    await create('orders', { customer: c.id, amount: '10', status: 'paid', ordered_on: '2025-03-01' })
    await drain()
    expect(await messages('vip_upgrade')).toEqual([
      expect.objectContaining({ body: '赵敏 升级为 vip，积分 105' }),
    ])
  })

  it('record updated with before values: tags come off when the tier leaves VIP', async () => {
    const c = await create('customers', { name: '周杰', tier: 'vip', tags: ['vip', '老客'] })
    await drain()
    const res = await api.call('PATCH', `${base}/customers/records/${c.id}`, {
      version: c.version,
      values: { tier: 'normal' },
    })
    expect(res.status).toBe(200)
    await drain()
    expect((await get('customers', c.id)).tags).toEqual(['老客'])
  })

  it('record deleted: the condition and template see the deleted record', async () => {
    const c = await create('customers', { name: '退款客' })
    const o = await create('orders', { customer: c.id, amount: '88', status: 'paid' })
    await drain()
    expect((await api.call('DELETE', `${base}/orders/records/${o.id}`)).status).toBe(200)
    await drain()
    expect((await messages('refund_alert')).map((m) => m.body)).toEqual([`订单 ${o.id} 金额 88.00 已删除`])
  })

  it('date-relative yearly: a coupon 3 days before the birthday at 09:00, once a year', async () => {
    const c = await create('customers', { name: '寿星', birthday: '1990-03-10' })
    const coupons = async () =>
      (
        await sql<{
          code: string
          customer: string
        }>`select code, customer::text from app_retail.coupons where customer = ${c.id}`.execute(db())
      ).rows
    clock.set('2025-03-07T00:59:00Z')
    await drain()
    expect(await coupons()).toEqual([])
    clock.set('2025-03-07T01:00:00Z')
    await drain()
    await drain()
    expect(await coupons()).toEqual([
      { code: expect.stringMatching(/^SR[A-HJ-NP-Z2-9]{8}$/), customer: c.id },
    ])
    clock.set('2026-03-07T01:00:00Z')
    await drain()
    expect(await coupons()).toHaveLength(2)
  })

  it('date-relative on a rollup: 90 days after the last purchase, re-armed by a new purchase', async () => {
    clock.set('2026-04-01T00:00:00Z')
    await drain()
    const c = await create('customers', { name: '沉睡客' })
    await create('orders', { customer: c.id, amount: '50', status: 'paid', ordered_on: '2026-04-01' })
    await drain()
    clock.set('2026-06-01T00:00:00Z')
    await drain()
    // A purchase on 1 June moves the last purchase: the 30 June call-back is no longer due.
    await create('orders', { customer: c.id, amount: '50', status: 'paid', ordered_on: '2026-06-01' })
    clock.set('2026-07-15T00:00:00Z')
    await drain()
    expect((await get('customers', c.id)).tags).toBeNull()
    clock.set('2026-08-30T01:00:00Z')
    await drain()
    await drain()
    clock.set('2026-12-01T00:00:00Z')
    await drain()
    expect((await get('customers', c.id)).tags).toEqual(['dormant'])
    const tasks = await sql<{
      title: string
    }>`select title from app_retail.tasks where customer = ${c.id}`.execute(db())
    expect(tasks.rows).toEqual([{ title: '回访 沉睡客' }])
  })

  it('cron: the Monday 09:00 Shanghai digest runs once per tick, the latest missed tick once', async () => {
    const before = (await messages('weekly_digest')).length
    clock.set('2026-12-06T00:00:00Z') // a Sunday
    await drain()
    clock.set('2026-12-07T01:00:00Z') // Monday 09:00 in Shanghai
    await drain()
    await drain()
    expect((await messages('weekly_digest')).length).toBe(before + 1)
    // Three weeks of downtime: one catch-up run, not three.
    clock.set('2026-12-29T00:00:00Z')
    await drain()
    expect((await messages('weekly_digest')).length).toBe(before + 2)
  })

  it('manual: a dry run shows the matches and the effects; a run applies them once', async () => {
    const a = await create('customers', { name: '老王', tags: ['老客'] })
    const b = await create('customers', { name: '新人', tags: ['新客'] })
    const dry = await api.call('POST', '/api/apps/retail/rules/campaign/dry-run', {})
    expect(dry.status, JSON.stringify(dry.body)).toBe(200)
    const ids = dry.body.records.map((r: { id: string }) => r.id)
    expect(ids).toContain(a.id)
    expect(ids).not.toContain(b.id)
    const mine = dry.body.records.find((r: { id: string }) => r.id === a.id)
    expect(mine.actions[0].effect).toEqual({
      kind: 'update_record',
      values: { tags: ['老客', 'spring_campaign'] },
    })
    expect((await get('customers', a.id)).tags).toEqual(['老客'])

    const one = await api.call('POST', '/api/apps/retail/rules/campaign/run', { recordId: a.id })
    expect(one.status).toBe(202)
    expect(one.body).toEqual({ enqueued: 1, records: 1 })
    await drain()
    expect((await get('customers', a.id)).tags).toEqual(['老客', 'spring_campaign'])
    expect((await get('customers', b.id)).tags).toEqual(['新客'])
  })

  it('a disabled rule does not run; enabling it takes effect without a publish', async () => {
    expect((await api.call('PUT', '/api/apps/retail/rules/welcome/enabled', { enabled: false })).status).toBe(
      200,
    )
    await create('customers', { name: '安静', phone: '13800000009', consent: ['sms'] })
    await drain()
    expect((await messages('welcome')).map((m) => m.recipient)).not.toContain('+8613800000009')
    expect(
      (await api.call('GET', '/api/apps/retail/rules')).body.rules.find(
        (r: { key: string }) => r.key === 'welcome',
      ).enabled,
    ).toBe(false)
    await api.call('PUT', '/api/apps/retail/rules/welcome/enabled', { enabled: true })
    await create('customers', { name: '热情', phone: '13800000010', consent: ['sms'] })
    await drain()
    expect((await messages('welcome')).map((m) => m.recipient)).toContain('+8613800000010')
  })

  it('draft rules are validated with every problem and its path', async () => {
    const bad = await api.call('PUT', '/api/apps/retail/draft/rules/broken', {
      trigger: { kind: 'date', form: 'customers', field: 'name' },
      actions: [{ type: 'set_fields', values: { total_spent: 1 } }],
    })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('RULE_INVALID')
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual([
      'trigger.field',
      'actions.0.values.total_spent',
    ])
    const good = await api.call('PUT', '/api/apps/retail/draft/rules/thanks', {
      trigger: { kind: 'record', form: 'orders', on: ['created'] },
      actions: [{ type: 'notify', channel: 'in_app', to: 'staff', body: { 'zh-CN': '新订单 {{amount}}' } }],
    })
    expect(good.status, JSON.stringify(good.body)).toBe(200)
    expect(good.body.issues).toEqual([])
    const draft = await api.call('GET', '/api/apps/retail/draft/rules')
    expect(draft.body.rules.map((r: { key: string }) => r.key)).toContain('thanks')
    expect((await api.call('DELETE', '/api/apps/retail/draft/rules/thanks')).status).toBe(204)
  })
})
