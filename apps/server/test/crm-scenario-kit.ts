import { sql } from 'kysely'
import { beforeAll, expect } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import type { Database } from '../src/db/database.js'

export const crmForms = '/api/apps/crm/forms'

/** An instant from a Shanghai wall-clock time (`2026-06-01T10:00:00`). */
export const shanghai = (localDateTime: string) => new Date(`${localDateTime}+08:00`).toISOString()

/**
 * What the CRM scenario tests share: the template installed through the API (no demo data) on a manual
 * clock, one store, and helpers that write through the records API and run the automation worker.
 */
export function useCrmScenario(ctx: { readonly database: Database }, start = '2026-06-01T02:00:00Z') {
  const api = useApi(ctx)
  const clock = new ManualClock(start)
  const kit = {
    api,
    clock,
    store: '',
    /** Two rounds: the second runs what the first one's writes triggered. */
    async drain() {
      await api.app.automation.drain()
      await api.app.automation.drain()
    },
    async create(form: string, values: Record<string, unknown>): Promise<string> {
      const res = await api.call('POST', `${crmForms}/${form}/records`, { values })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return (res.body as { id: string }).id
    },
    /** A paid order at a Shanghai time (the clock moves there), with one line per product given. */
    async buy(customer: string, localDateTime: string, amount: string, products: string[] = []) {
      clock.set(shanghai(localDateTime))
      const order = await kit.create('orders', {
        customer,
        store: kit.store,
        ordered_at: `${localDateTime}+08:00`,
        amount,
        status: 'paid',
      })
      for (const product of products)
        await kit.create('order_lines', { order, product, quantity: 1, unit_price: amount })
      await kit.drain()
      return order
    },
    /** Moves the clock to a Shanghai time and runs the worker. */
    async at(localDateTime: string) {
      clock.set(shanghai(localDateTime))
      await kit.drain()
    },
    async rows<T>(query: ReturnType<typeof sql<T>>): Promise<T[]> {
      return (await query.execute(ctx.database.db)).rows
    },
    /** Recipients of the messages a rule sent, oldest first. */
    async recipients(rule: string): Promise<string[]> {
      const rows = await kit.rows(sql<{ recipient: string }>`select recipient from trellis.messages
        where rule_key = ${rule} order by id`)
      return rows.map((r) => r.recipient)
    },
  }
  beforeAll(async () => {
    api.app.automation.clock = clock
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).status).toBe(201)
    kit.store = await kit.create('stores', { code: 'SH01', name: '静安店', city: 'shanghai' })
  })
  return kit
}
