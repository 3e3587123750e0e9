import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { crmForms, useCrmScenario } from './crm-scenario-kit.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The weekly RFM rule (Monday 03:30 Asia/Shanghai) writes each customer's quintile scores and segment into the
 * customer file, over all paid orders as the RFM report counts them. Six customers with paid orders (one of
 * them's only order a year and a half old), one with none; a cancelled order counts for nothing. The expected scores are worked out by hand below.
 */
describeEachDatabase('CRM template: RFM scores in the customer file', (ctx) => {
  const crm = useCrmScenario(ctx)
  const people: Record<string, string> = {}

  const order = (customer: string, at: string, amount: string, status = 'paid') =>
    crm.create('orders', { customer, store: crm.store, ordered_at: `${at}+08:00`, amount, status })

  const scores = async () => {
    const out: Record<string, unknown[]> = {}
    for (const [name, id] of Object.entries(people)) {
      const res = await crm.api.call('GET', `${crmForms}/customers/records/${id}`)
      const v = res.body as Record<string, unknown>
      const score = (x: unknown) => (x === null || x === undefined ? null : Number(x))
      out[name] = [score(v.rfm_recency), score(v.rfm_frequency), score(v.rfm_monetary), v.rfm_segment ?? null]
    }
    return out
  }
  const rfmEvents = async () =>
    (
      await crm.rows(sql<{ n: string }>`select count(*) as n from trellis.outbox
        where topic = 'record.updated' and payload->>'cause' = 'rfm'`)
    )[0]!.n

  beforeAll(async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
      people[name] = await crm.create('customers', { name, store: crm.store })
    await order(people.a!, '2026-04-01T10:00:00', '100.00')
    await order(people.a!, '2026-05-10T10:00:00', '100.00')
    await order(people.a!, '2026-06-05T10:00:00', '100.00')
    await order(people.b!, '2026-06-06T10:00:00', '50.00')
    await order(people.c!, '2026-02-01T10:00:00', '250.00')
    await order(people.c!, '2026-05-01T10:00:00', '250.00')
    await order(people.d!, '2026-03-01T10:00:00', '20.00')
    await order(people.d!, '2026-06-07T10:00:00', '999.00', 'cancelled')
    await order(people.e!, '2026-05-20T10:00:00', '60.00')
    await order(people.e!, '2026-06-01T10:00:00', '60.00')
    await order(people.g!, '2025-01-01T10:00:00', '80.00')
    await crm.drain()
  })

  it('scores every customer on Monday morning, leaving those without a purchase empty', async () => {
    await crm.at('2026-06-07T12:00:00')
    expect((await scores()).a).toEqual([null, null, null, null])

    await crm.at('2026-06-08T03:35:00')
    // Six scored customers: score = 1 + ⌊5 · (rank − 1) / 6⌋, ties share the lowest rank; "high" is 3 and up.
    // Recency (last paid order): g 2025 < d 03-01 < c 05-01 < e 06-01 < a 06-05 < b 06-06 → 1 1 2 3 4 5.
    // Frequency: b = d = g 1 (rank 1 → 1), c = e 2 (rank 4 → 3), a 3 (rank 6 → 5).
    // Monetary: d 20 < b 50 < g 80 < e 120 < a 300 < c 500 → 1 1 2 3 4 5.
    expect(await scores()).toEqual({
      a: [4, 5, 4, 'important_value'],
      b: [5, 1, 1, 'general_develop'],
      c: [2, 3, 5, 'important_keep'],
      d: [1, 1, 1, 'general_winback'],
      e: [3, 3, 3, 'important_value'],
      f: [null, null, null, null],
      g: [1, 1, 2, 'general_winback'],
    })
    // One event per customer whose scores changed, so rules can react to a segment change.
    expect(await rfmEvents()).toBe('6')
  })

  it('moves a customer when their purchases change, and writes nothing when nothing changed', async () => {
    // A big order for b on Tuesday; the next Monday b has 2 orders and ¥650.
    await order(people.b!, '2026-06-09T10:00:00', '600.00')
    await crm.drain()
    await crm.at('2026-06-15T03:35:00')
    const now = await scores()
    // Frequency: d = g 1 (1), b = c = e 2 (rank 3 → 2), a 3 (5); monetary: d g e a c b → 1 1 2 3 4 5.
    expect(now.b).toEqual([5, 2, 5, 'important_develop'])
    expect(now.c).toEqual([2, 2, 4, 'important_winback'])
    const events = await rfmEvents()

    await crm.at('2026-06-22T03:35:00')
    expect(await scores()).toEqual(now)
    expect(await rfmEvents()).toBe(events)
  })
})
