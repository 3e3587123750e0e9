import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useCrmScenario } from './crm-scenario-kit.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The cross-sell rule (daily at 11:00 Asia/Shanghai, once per enabled record of 商品搭配) over the pairs coffee
 * beans → croissant (3 days) and puff → croissant (disabled by the shop), with the clock moved forward: the
 * croissant is recommended once, 3 days after buying the beans, only to customers who have not bought one since,
 * and with WeChat consent; the message names the pair's recommended product.
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
  const recommended = () => crm.recipients('cross_sell')

  beforeAll(async () => {
    for (const [sku, name, category] of [
      ['CB-ESPR', '意式拼配咖啡豆 250g', 'coffee_beans'],
      ['BR-CROIS', '黄油可颂', 'bread'],
      ['DS-PUFF', '奶油泡芙', 'dessert'],
    ] as const)
      products[sku] = await crm.create('products', { sku, name, category, price: '25.00' })
    // As the weekly mining would store them (mined figures left out), and as the shop set them.
    const pair = (a: string, b: string, bName: string, enabled: boolean) =>
      crm.create('product_pairs', {
        product: products[a],
        recommend: products[b],
        product_name: a,
        recommend_name: bName,
        enabled,
        days: 3,
      })
    await pair('CB-ESPR', 'BR-CROIS', '黄油可颂', true)
    await pair('DS-PUFF', 'BR-CROIS', '黄油可颂', false)
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
    // A product whose pair the shop disabled.
    await buy(people.puff!, '2026-06-01T10:30:00', ['DS-PUFF'])

    await day('2026-06-03')
    expect(await recommended()).toEqual([])
    await day('2026-06-04')
    expect(await recommended()).toEqual(['wx_beans'])
    const [message] = await crm.rows(sql<{ body: string }>`select body from trellis.messages
      where rule_key = 'cross_sell'`)
    expect(message!.body).toBe('beans，买过这款的客人常搭配黄油可颂一起享用，下次到店试试？')
    await day('2026-06-05')
    await day('2026-06-10')
    expect(await recommended()).toEqual(['wx_beans'])
    // Beans again on 10 June: recommended again on the 13th.
    await buy(people.beans!, '2026-06-10T12:00:00', ['CB-ESPR'])
    await day('2026-06-13')
    expect(await recommended()).toEqual(['wx_beans', 'wx_beans'])
  })
})
