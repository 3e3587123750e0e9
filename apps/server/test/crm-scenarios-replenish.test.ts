import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useCrmScenario } from './crm-scenario-kit.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The replenishment reminder (daily at 10:00, Asia/Shanghai) with the clock moved forward: a WeChat message
 * 7 days before a customer's consumables run out — by the product's cycle after one purchase, by the
 * customer's own average interval after two or more. Expected days are worked out by hand below.
 */
describeEachDatabase('CRM template: replenishment reminder', (ctx) => {
  const crm = useCrmScenario(ctx)
  let beans: string
  let bread: string
  const people: Record<string, string> = {}
  const buy = (customer: string, date: string, product: string, price: string) =>
    crm.buy(customer, `${date}T09:00:00`, price, [product])
  /** Runs the worker at 10:05 on a Shanghai day (after that day's 10:00 tick). */
  const day = (date: string) => crm.at(`${date}T10:05:00`)
  const reminders = () => crm.recipients('replenishment_reminder')

  beforeAll(async () => {
    beans = await crm.create('products', {
      sku: 'CB-ESPR',
      name: '意式拼配咖啡豆 250g',
      category: 'coffee_beans',
      price: '98.00',
      consumable: true,
      replenishment_days: 30,
    })
    bread = await crm.create('products', { sku: 'BR-CROI', name: '可颂', category: 'bread', price: '12.00' })
    for (const name of ['once', 'twice', 'bread', 'silent'])
      people[name] = await crm.create('customers', {
        name,
        store: crm.store,
        wechat_id: `wx_${name}`,
        consent_wechat: name !== 'silent',
      })
    await crm.drain()
  })

  it('reminds 7 days before the cycle runs out: the product cycle, then the customer’s own', async () => {
    // 'once': beans on 1 June, a 30-day cycle → runs out 1 July → reminder on 24 June.
    await buy(people.once!, '2026-06-01', beans, '98.00')
    // 'twice': beans on 1 and 21 June → their own interval is 20 days → runs out 11 July → reminder 4 July
    // (the product's cycle would say 14 July).
    await buy(people.twice!, '2026-06-01', beans, '98.00')
    await buy(people.twice!, '2026-06-21', beans, '98.00')
    // 'bread' buys no consumable; 'silent' buys beans but has no WeChat consent.
    await buy(people.bread!, '2026-06-02', bread, '12.00')
    await buy(people.silent!, '2026-06-01', beans, '98.00')

    await day('2026-06-23')
    expect(await reminders()).toEqual([])
    await day('2026-06-24')
    expect(await reminders()).toEqual(['wx_once'])
    await day('2026-06-25')
    await day('2026-07-03')
    expect(await reminders()).toEqual(['wx_once'])
    await day('2026-07-04')
    expect(await reminders()).toEqual(['wx_once', 'wx_twice'])
    await day('2026-07-14')
    expect(await reminders()).toEqual(['wx_once', 'wx_twice'])
    // The silent customer's reminder ran on 24 June and was held back for want of consent.
    const runs = await crm.rows(sql<{ n: number }>`select count(*)::int as n from trellis.rule_runs
      where rule_key = 'replenishment_reminder' and record_id = ${people.silent!} and outcome = 'succeeded'`)
    expect(runs).toEqual([{ n: 1 }])
  })
})
