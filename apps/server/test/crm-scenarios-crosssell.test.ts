import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const base = '/api/apps/crm/forms'

/**
 * The cross-sell rule of the pair coffee beans → croissant (3 days, daily at 11:00 Asia/Shanghai) with the clock
 * moved forward: recommended once, 3 days after buying the beans, only to customers who have not bought a
 * croissant since, and with WeChat consent.
 */
describeEachDatabase('CRM template: cross-sell recommendation', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2026-06-01T02:00:00Z')
  let store: string
  const products: Record<string, string> = {}
  const people: Record<string, string> = {}

  const drain = async () => {
    await api.app.automation.drain()
    await api.app.automation.drain()
  }
  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${base}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return (res.body as { id: string }).id
  }
  const buy = async (customer: string, localDateTime: string, skus: string[]) => {
    clock.set(new Date(`${localDateTime}+08:00`).toISOString())
    const order = await create('orders', {
      customer,
      store,
      ordered_at: `${localDateTime}+08:00`,
      amount: '50.00',
      status: 'paid',
    })
    for (const sku of skus)
      await create('order_lines', { order, product: products[sku], quantity: 1, unit_price: '25.00' })
    await drain()
  }
  const day = async (localDate: string) => {
    clock.set(new Date(`${localDate}T11:05:00+08:00`).toISOString())
    await drain()
  }
  const recommended = async () => {
    const { rows } = await sql<{ recipient: string }>`select recipient from trellis.messages
      where rule_key = 'cross_sell_beans_croissant' order by id`.execute(ctx.database.db)
    return rows.map((r) => r.recipient)
  }

  beforeAll(async () => {
    api.app.automation.clock = clock
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).status).toBe(201)
    store = await create('stores', { code: 'SH01', name: '静安店', city: 'shanghai' })
    for (const [sku, name, category] of [
      ['CB-ESPR', '意式拼配咖啡豆 250g', 'coffee_beans'],
      ['BR-CROIS', '黄油可颂', 'bread'],
      ['DS-PUFF', '奶油泡芙', 'dessert'],
    ] as const)
      products[sku] = await create('products', { sku, name, category, price: '25.00' })
    for (const name of ['beans', 'both', 'later', 'puff'])
      people[name] = await create('customers', { name, store, wechat_id: `wx_${name}`, consent_wechat: true })
    await drain()
  })

  it('recommends the croissant 3 days after the beans, unless one was bought since', async () => {
    await buy(people.beans!, '2026-06-01T09:00:00', ['CB-ESPR'])
    // Bought both in one basket: nothing to recommend.
    await buy(people.both!, '2026-06-01T09:30:00', ['CB-ESPR', 'BR-CROIS'])
    // Bought the beans, then a croissant the next day.
    await buy(people.later!, '2026-06-01T10:00:00', ['CB-ESPR'])
    await buy(people.later!, '2026-06-02T10:00:00', ['BR-CROIS'])
    // Another product altogether.
    await buy(people.puff!, '2026-06-01T10:30:00', ['DS-PUFF'])

    await day('2026-06-03')
    expect(await recommended()).toEqual([])
    await day('2026-06-04')
    expect(await recommended()).toEqual(['wx_beans'])
    await day('2026-06-05')
    await day('2026-06-10')
    expect(await recommended()).toEqual(['wx_beans'])
    // Beans again on 10 June: recommended again on the 13th.
    await buy(people.beans!, '2026-06-10T12:00:00', ['CB-ESPR'])
    await day('2026-06-13')
    expect(await recommended()).toEqual(['wx_beans', 'wx_beans'])
  })
})
