import { beforeAll, expect, it } from 'vitest'
import { useCrmScenario } from './crm-scenario-kit.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The cross-sell rule of the pair coffee beans → croissant (3 days, daily at 11:00 Asia/Shanghai) with the clock
 * moved forward: recommended once, 3 days after buying the beans, only to customers who have not bought a
 * croissant since, and with WeChat consent.
 */
describeEachDatabase('CRM template: cross-sell recommendation', (ctx) => {
  const crm = useCrmScenario(ctx)
  const products: Record<string, string> = {}
  const people: Record<string, string> = {}
  const buy = (customer: string, at: string, skus: string[]) =>
    crm.buy(
      customer,
      at,
      '25.00',
      skus.map((sku) => products[sku]!),
    )
  const day = (date: string) => crm.at(`${date}T11:05:00`)
  const recommended = () => crm.recipients('cross_sell_beans_croissant')

  beforeAll(async () => {
    for (const [sku, name, category] of [
      ['CB-ESPR', '意式拼配咖啡豆 250g', 'coffee_beans'],
      ['BR-CROIS', '黄油可颂', 'bread'],
      ['DS-PUFF', '奶油泡芙', 'dessert'],
    ] as const)
      products[sku] = await crm.create('products', { sku, name, category, price: '25.00' })
    for (const name of ['beans', 'both', 'later', 'puff'])
      people[name] = await crm.create('customers', {
        name,
        store: crm.store,
        wechat_id: `wx_${name}`,
        consent_wechat: true,
      })
    await crm.drain()
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
