import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { retentionApp } from './rules-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

describeEachDatabase('rules: clock jumps and DST', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2025-03-01T00:00:00Z')
  const sent = async () =>
    (
      await sql<{ body: string }>`select body from trellis.messages where rule_key = 'usage_tips'`.execute(
        ctx.database.db,
      )
    ).rows

  beforeAll(async () => {
    api.app.automation.clock = clock
    const app = {
      ...retentionApp('tips', [
        {
          key: 'usage_tips',
          trigger: { kind: 'date', form: 'orders', field: 'ordered_on', amount: 7, at: '09:00' },
          actions: [
            {
              type: 'notify',
              channel: 'in_app',
              to: { var: 'customer' },
              body: { 'zh-CN': '使用小贴士：订单 {{id}}' },
            },
          ],
        },
      ]),
      // New York changes to summer time on 9 March 2025.
      timeZone: 'America/New_York',
    }
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    const published = await api.call('POST', '/api/apps/tips/publish', {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    await api.app.automation.drain()
  })

  it('"7 days after purchase" fires once, at 09:00 local after the DST change, whatever the clock did', async () => {
    const customer = (
      await api.call('POST', '/api/apps/tips/forms/customers/records', { values: { name: '顾客' } })
    ).body
    const order = await api.call('POST', '/api/apps/tips/forms/orders/records', {
      values: { customer: customer.id, amount: '10', ordered_on: '2025-03-05', status: 'paid' },
    })
    expect(order.status).toBe(201)
    await api.app.automation.drain()
    // Jump over the DST change in one step.
    clock.set('2025-03-09T07:30:00Z')
    await api.app.automation.drain()
    // 09:00 EDT on 12 March is 13:00 UTC (it would be 14:00 UTC without the change).
    clock.set('2025-03-12T12:59:59Z')
    await api.app.automation.drain()
    expect(await sent()).toEqual([])
    clock.set('2025-03-12T13:00:00Z')
    await api.app.automation.drain()
    expect(await sent()).toHaveLength(1)
    // A big jump forward and more rounds: still once.
    clock.set('2025-06-01T00:00:00Z')
    await api.app.automation.drain()
    await api.app.automation.drain()
    expect(await sent()).toEqual([{ body: `使用小贴士：订单 ${order.body.id}` }])
  })

  it('a date rule run by hand on one record runs now, not skipped as a moved anchor', async () => {
    const customer = (
      await api.call('POST', '/api/apps/tips/forms/customers/records', { values: { name: '手动' } })
    ).body
    const order = await api.call('POST', '/api/apps/tips/forms/orders/records', {
      values: { customer: customer.id, amount: '10', ordered_on: '2025-05-20', status: 'paid' },
    })
    const run = await api.call('POST', '/api/apps/tips/rules/usage_tips/run', { recordId: order.body.id })
    expect(run.status).toBe(202)
    await api.app.automation.drain()
    expect(await sent()).toContainEqual({ body: `使用小贴士：订单 ${order.body.id}` })
  })
})
