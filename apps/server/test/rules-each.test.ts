import type { AppDefinition, FieldDef } from '@trellis/form-engine'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const text = (key: string): FieldDef => ({ key, type: 'text', label: label(key, key) })
const relation = (key: string, form: string): FieldDef => ({
  key,
  type: 'relation',
  label: label(key, key),
  relation: { form },
})

/** Bought `$pair.<field>` (paid order lines, through their order to the customer). */
const bought = (field: string) => ({
  form: 'lines',
  via: 'order.customer',
  filter: {
    and: [
      { '==': [{ var: 'order.status' }, 'paid'] },
      { '==': [{ var: 'product' }, { var: `$pair.${field}` }] },
    ],
  },
  values: { last: { agg: 'max', field: 'order.ordered_at' } },
})

const crossSell = {
  key: 'cross_sell',
  trigger: { kind: 'cron', cron: '0 12 * * *', form: 'customers' },
  each: { form: 'pairs', filter: { '==': [{ var: 'enabled' }, true] }, as: 'pair' },
  aggregates: { bought: bought('product'), also: bought('recommend') },
  condition: {
    and: [
      { '!=': [{ var: '$bought.last' }, null] },
      { '==': [{ date_diff: [{ var: '$bought.last' }, { today: [] }, 'days'] }, { var: '$pair.days' }] },
      {
        or: [
          { '==': [{ var: '$also.last' }, null] },
          { '<': [{ var: '$also.last' }, { var: '$bought.last' }] },
        ],
      },
    ],
  },
  actions: [
    {
      type: 'notify',
      channel: 'wechat',
      to: { var: 'wechat' },
      body: { 'zh-CN': '{{name}}：试试{{$pair.recommend_name}}' },
    },
  ],
}

/** No aggregates: the condition selects the customers in SQL, `$pick.product` a parameter. */
const favouritePick = {
  key: 'favourite_pick',
  trigger: { kind: 'cron', cron: '0 12 * * *', form: 'customers' },
  each: { form: 'pairs', filter: { '==': [{ var: 'enabled' }, true] }, as: 'pick' },
  condition: { '==': [{ var: 'favourite' }, { var: '$pick.product' }] },
  actions: [
    {
      type: 'notify',
      channel: 'wechat',
      to: { var: 'wechat' },
      body: { 'zh-CN': '{{$pick.recommend_name}}' },
    },
  ],
}

function eachApp(): AppDefinition {
  return {
    key: 'each',
    name: label('搭配', 'Pairs'),
    forms: [
      { key: 'products', label: label('商品', 'Products'), titleField: 'name', fields: [text('name')] },
      {
        key: 'customers',
        label: label('客户', 'Customers'),
        titleField: 'name',
        fields: [text('name'), text('wechat'), relation('favourite', 'products')],
      },
      {
        key: 'orders',
        label: label('订单', 'Orders'),
        fields: [
          relation('customer', 'customers'),
          { key: 'ordered_at', type: 'datetime', label: label('下单时间', 'Ordered at') },
          text('status'),
        ],
      },
      {
        key: 'lines',
        label: label('订单行', 'Lines'),
        fields: [relation('order', 'orders'), relation('product', 'products')],
      },
      {
        key: 'pairs',
        label: label('搭配', 'Pairs'),
        fields: [
          relation('product', 'products'),
          relation('recommend', 'products'),
          text('recommend_name'),
          { key: 'days', type: 'number', label: label('天数', 'Days') },
          { key: 'enabled', type: 'boolean', label: label('启用', 'Enabled') },
        ],
      },
    ],
    rules: [crossSell, favouritePick],
  } as AppDefinition
}

/**
 * `each`: one rule run per record of another form (product pairs), read at each tick, with the record bound as
 * `$pair` in the aggregates' filters, the condition and the message; one message per (customer, pair, tick).
 */
describeEachDatabase('Rules: each record of a form (cross-sell over product pairs)', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2026-06-01T02:00:00Z')
  const forms = '/api/apps/each/forms'
  const ids: Record<string, string> = {}
  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${forms}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return (res.body as { id: string }).id
  }
  const buy = async (customer: string, day: string, products: string[]) => {
    const order = await create('orders', {
      customer: ids[customer],
      ordered_at: `${day}T10:00:00+08:00`,
      status: 'paid',
    })
    for (const product of products) await create('lines', { order, product: ids[product] })
  }
  /** 12:05 in Shanghai on `day`: the 12:00 tick runs (twice over: what it enqueued runs too). */
  const tick = async (day: string) => {
    clock.set(new Date(`${day}T12:05:00+08:00`).toISOString())
    await api.app.automation.drain()
    await api.app.automation.drain()
  }
  const messages = async (rule: string) =>
    (
      await sql<{ recipient: string; body: string }>`select recipient, body from trellis.messages
        where app_key = 'each' and rule_key = ${rule} order by recipient, body`.execute(ctx.database.db)
    ).rows.map((m) => `${m.recipient} ${m.body}`)

  beforeAll(async () => {
    api.app.automation.clock = clock
    const created = await api.call('POST', '/api/apps', eachApp())
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const published = await api.call('POST', '/api/apps/each/publish', {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    for (const name of ['beans', 'croissant', 'toast', 'milk', 'puff'])
      ids[name] = await create('products', { name })
    for (const name of ['ann', 'bob', 'cat', 'dan'])
      ids[name] = await create('customers', { name, wechat: `wx_${name}` })
    ids.eve = await create('customers', { name: 'eve', wechat: 'wx_eve', favourite: ids.beans })
    const pair = (product: string, recommend: string, name: string, days: number, enabled = true) =>
      create('pairs', {
        product: ids[product],
        recommend: ids[recommend],
        recommend_name: name,
        days,
        enabled,
      })
    ids.beans_croissant = await pair('beans', 'croissant', '可颂', 3)
    ids.toast_milk = await pair('toast', 'milk', '鲜牛奶', 3)
    ids.beans_puff = await pair('beans', 'puff', '泡芙', 3, false)
    // The rules' cursors start now: ticks before this are not replayed.
    await api.app.automation.drain()
  })

  it('recommends each matching pair once, N days after, not when B was bought since nor for a disabled pair', async () => {
    clock.set('2026-06-01T02:30:00Z')
    await buy('ann', '2026-06-01', ['beans', 'toast'])
    await buy('bob', '2026-06-01', ['beans'])
    await buy('bob', '2026-06-02', ['croissant'])
    await buy('cat', '2026-06-02', ['toast'])

    await tick('2026-06-03')
    expect(await messages('cross_sell')).toEqual([])
    await tick('2026-06-04')
    // Two pairs the same day for ann; bob bought the croissant since; the beans → puff pair is disabled.
    expect(await messages('cross_sell')).toEqual(['wx_ann ann：试试可颂', 'wx_ann ann：试试鲜牛奶'])
    await tick('2026-06-05')
    expect(await messages('cross_sell')).toEqual([
      'wx_ann ann：试试可颂',
      'wx_ann ann：试试鲜牛奶',
      'wx_cat cat：试试鲜牛奶',
    ])
    // Without aggregates: the customer whose favourite is the pair's product, once per tick and enabled pair.
    expect(await messages('favourite_pick')).toEqual(['wx_eve 可颂', 'wx_eve 可颂', 'wx_eve 可颂'])
  })

  it('does not recommend twice when the same tick runs again', async () => {
    const db = ctx.database.db
    const occurrence = `cron:${new Date('2026-06-05T12:00:00+08:00').toISOString()}`
    // As if another process had scanned the same tick: its fan-out job again, from a cursor set back.
    await sql`delete from trellis.jobs where app_key = 'each' and rule_key = 'cross_sell' and record_id is null
      and occurrence = ${occurrence}`.execute(db)
    await sql`update trellis.rule_cursors set scanned_until = ${'2026-06-05T03:59:00Z'}::timestamptz
      where app_key = 'each' and rule_key = 'cross_sell'`.execute(db)
    await api.app.automation.drain()
    await api.app.automation.drain()
    const { rows } = await sql<{ effects: { records: number; each: number; enqueued: number } }>`
      select effects from trellis.rule_runs where app_key = 'each' and rule_key = 'cross_sell'
        and outcome = 'fanned_out' and occurrence = ${occurrence} order by id`.execute(db)
    expect(rows.map((r) => r.effects)).toEqual([
      { records: 1, each: 2, enqueued: 1 },
      { records: 1, each: 2, enqueued: 0 },
    ])
    expect(await messages('cross_sell')).toHaveLength(3)
  })

  it('takes a new pair and a disabled one into account at the next tick, without a publish', async () => {
    await create('pairs', {
      product: ids.puff,
      recommend: ids.croissant,
      recommend_name: '可颂配泡芙',
      days: 2,
      enabled: true,
    })
    const off = await api.call('PATCH', `${forms}/pairs/records/${ids.beans_croissant}`, {
      version: 1,
      values: { enabled: false },
    })
    expect(off.status, JSON.stringify(off.body)).toBe(200)
    clock.set('2026-06-05T05:00:00Z')
    await buy('dan', '2026-06-05', ['puff'])
    await tick('2026-06-06')
    await tick('2026-06-07')
    expect(await messages('cross_sell')).toEqual([
      'wx_ann ann：试试可颂',
      'wx_ann ann：试试鲜牛奶',
      'wx_cat cat：试试鲜牛奶',
      'wx_dan dan：试试可颂配泡芙',
    ])
    // The beans → croissant pair is off: eve's favourite has no enabled pair left.
    expect(await messages('favourite_pick')).toHaveLength(3)
  })

  it('previews and runs by hand once per matching (customer, pair)', async () => {
    clock.set(new Date('2026-06-07T15:00:00+08:00').toISOString())
    const dry = await api.call('POST', '/api/apps/each/rules/cross_sell/dry-run', {})
    expect(dry.status, JSON.stringify(dry.body)).toBe(200)
    expect(dry.body.matched).toBe(1)
    expect(dry.body.records[0]).toMatchObject({
      id: ids.dan,
      each: expect.any(String),
      actions: [{ effect: { body: 'dan：试试可颂配泡芙' } }],
    })
    const one = await api.call('POST', '/api/apps/each/rules/cross_sell/dry-run', { recordId: ids.ann })
    expect(one.body).toEqual({ matched: 0, records: [] })
    // A manual run fans out like a tick (its own occurrence: the message goes again); not for one record.
    const run = await api.call('POST', '/api/apps/each/rules/cross_sell/run', {})
    expect(run.status, JSON.stringify(run.body)).toBeLessThan(300)
    await api.app.automation.drain()
    await api.app.automation.drain()
    expect((await messages('cross_sell')).filter((m) => m.startsWith('wx_dan'))).toHaveLength(2)
    const single = await api.call('POST', '/api/apps/each/rules/cross_sell/run', { recordId: ids.dan })
    expect(single.status).toBe(400)
    expect(single.body.code).toBe('EACH_RUNS_ALL')
  })

  it('refuses each where it cannot run, and bad each settings, with paths inside the rule', async () => {
    const put = (rule: unknown) => api.call('PUT', '/api/apps/each/draft/rules/each_check', rule)
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ trigger: { kind: 'record', form: 'customers', on: ['created'] } }, 'EACH_NEEDS_SCHEDULE', 'each'],
      [{ each: { form: 'nope', as: 'pair' } }, 'UNKNOWN_FORM', 'each.form'],
      [
        { each: { form: 'pairs', as: 'pair', filter: { '==': [{ var: 'nope' }, 1] } } },
        'unknown_field',
        'each.filter.==.0',
      ],
      [{ each: { form: 'pairs', as: 'bought' } }, 'EACH_NAME_TAKEN', 'each.as'],
      [{ each: { form: 'pairs', as: 'today' } }, 'EACH_NAME_TAKEN', 'each.as'],
      [{ condition: { '==': [{ var: '$pair.sku' }, 1] } }, 'UNKNOWN_EACH_FIELD', 'condition.==.0.var'],
    ]
    for (const [patch, code, path] of cases) {
      const res = await put({ ...crossSell, key: 'each_check', ...patch })
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.details).toContainEqual(expect.objectContaining({ code, path }))
    }
    const ok = await put({ ...crossSell, key: 'each_check' })
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
  })
})
