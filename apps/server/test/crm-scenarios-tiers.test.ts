import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { crmForms as base, useCrmScenario } from './crm-scenario-kit.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The CRM tiers (S/A/B/C) recomputed by the template's two tier rules — on each order and weekly (Monday
 * 03:00, Asia/Shanghai) — with the clock moved forward. Expected tiers come from a hand-worked timeline and,
 * for every customer at every step, from an independent SQL computation of the definition written here.
 */
describeEachDatabase('CRM template: member tiers on each order and weekly', (ctx) => {
  // Monday 1 June 2026, 10:00 in Shanghai.
  const crm = useCrmScenario(ctx, '2026-06-01T02:00:00Z')
  const api = crm.api
  const customers: Record<string, string> = {}
  const drain = crm.drain
  const order = (customer: string, localDateTime: string, amount: string) =>
    crm.buy(customer, localDateTime, amount)
  const tiers = async () => {
    const { rows } = await sql<{ id: string; tier: string | null }>`
      select id::text as id, tier from app_crm.customers`.execute(ctx.database.db)
    return Object.fromEntries(rows.map((r) => [r.id, r.tier]))
  }
  /** The tier definition in plain SQL, on the Shanghai calendar day of `today`. */
  const expectedTiers = async (today: string) => {
    const { rows } = await sql<{ id: string; tier: string | null }>`
      with p as (
        select c.id, (o.ordered_at at time zone 'Asia/Shanghai')::date as day, o.amount
        from app_crm.customers c
        left join app_crm.orders o on o.customer = c.id and o.status = 'paid' and o.deleted_at is null
        where c.deleted_at is null
      ), agg as (
        select id,
          count(day) filter (where day > ${today}::date - 30) as n30,
          coalesce(sum(amount) filter (where day > ${today}::date - 30), 0) as spent30,
          count(day) filter (where day > ${today}::date - 90) as n90,
          max(day) as last
        from p group by id
      )
      select id::text as id, case
        when last is null then null
        when n30 >= 2 and spent30 >= 300 then 'S'
        when n90 >= 3 then 'A'
        when ${today}::date - last >= 180 then 'C'
        else 'B' end as tier
      from agg`.execute(ctx.database.db)
    return Object.fromEntries(rows.map((r) => [r.id, r.tier]))
  }
  /** Moves to a Monday after 03:00 Shanghai time (the weekly tick) and runs the worker. */
  const monday = async (date: string) => {
    await crm.at(`${date}T08:00:00`)
    expect(await tiers()).toEqual(await expectedTiers(date))
  }

  beforeAll(async () => {
    for (const name of ['lin', 'zhou', 'never', 'steady'])
      customers[name] = await crm.create('customers', { name, store: crm.store })
    await drain()
  })

  it('publishes the tier rules without a problem', async () => {
    const rules = (await api.call('GET', '/api/apps/crm/rules')).body.rules as Array<{
      key: string
      issues: unknown[]
    }>
    for (const key of ['tier_weekly', 'tier_on_order'])
      expect(rules.find((r) => r.key === key)?.issues, key).toEqual([])
  })

  it('recomputes the tier on each order', async () => {
    const { lin, steady, zhou, never } = customers as {
      lin: string
      steady: string
      zhou: string
      never: string
    }
    const tierOf = async (id: string) => (await tiers())[id]
    await order(lin, '2026-06-01T10:00:00', '120.00')
    expect(await tierOf(lin)).toBe('B') // one purchase
    await order(steady, '2026-06-02T12:00:00', '30.00')
    await order(lin, '2026-06-05T18:30:00', '200.00')
    expect(await tierOf(lin)).toBe('S') // two in 30 days, ¥320
    await order(steady, '2026-06-09T12:00:00', '30.00')
    expect(await tierOf(steady)).toBe('B')
    // Three small purchases: A, never S (¥90 in 30 days).
    await order(steady, '2026-06-16T12:00:00', '30.00')
    expect(await tierOf(steady)).toBe('A')
    await order(lin, '2026-06-20T09:00:00', '50.00')
    expect(await tierOf(lin)).toBe('S')
    const first = await order(zhou, '2026-06-21T11:00:00', '180.00')
    await order(zhou, '2026-06-22T11:00:00', '180.00')
    expect(await tierOf(zhou)).toBe('S')
    // A refund is an order change too: one purchase is left.
    const current = await api.call('GET', `${base}/orders/records/${first}`)
    const refund = await api.call('PATCH', `${base}/orders/records/${first}`, {
      version: current.body.version,
      values: { status: 'refunded' },
    })
    expect(refund.status, JSON.stringify(refund.body)).toBe(200)
    await drain()
    expect(await tierOf(zhou)).toBe('B')
    expect(await tierOf(never)).toBeNull()
    expect(await tiers()).toEqual(await expectedTiers('2026-06-22'))
  })

  it('recomputes every tier weekly as purchases age out of the windows', async () => {
    const lin = customers.lin!
    const steady = customers.steady!
    // 6 July: only lin's 20 June order is within 30 days, but three within 90: A.
    await monday('2026-07-06')
    expect((await tiers())[lin]).toBe('A')
    expect((await tiers())[steady]).toBe('A')
    // 7 September: lin's 1 and 5 June orders left the 90 days: B; steady too (16 June is 83 days ago, 2 June 97).
    await monday('2026-09-07')
    expect((await tiers())[lin]).toBe('B')
    expect((await tiers())[steady]).toBe('B')
    // 14 December: 177 days since lin's last purchase, still B; 21 December: 184 days, C.
    await monday('2026-12-14')
    expect((await tiers())[lin]).toBe('B')
    await monday('2026-12-21')
    expect((await tiers())[lin]).toBe('C')
    expect((await tiers())[steady]).toBe('C')
    expect((await tiers())[customers.never!]).toBeNull()
  })

  it('writes a customer only when the tier changes', async () => {
    const versions = async () =>
      (
        await sql<{
          version: number
        }>`select version from app_crm.customers where id = ${customers.lin!}`.execute(ctx.database.db)
      ).rows[0]!.version
    const before = await versions()
    await monday('2026-12-28')
    expect(await versions()).toBe(before)
    // The weekly tick checked every customer with their aggregates and found no tier to change: no jobs.
    const runs = await api.call('GET', '/api/apps/crm/rule-runs?rule=tier_weekly&limit=1')
    expect(runs.body.runs[0]).toMatchObject({ outcome: 'fanned_out', effects: { records: 0, enqueued: 0 } })
  })

  it('a customer who was tier S when they went silent gets the 30-day call-back though the weekly run moved them down', async () => {
    const vip = await crm.create('customers', { name: 'vip', store: crm.store })
    const small = await crm.create('customers', { name: 'small', store: crm.store })
    await order(vip, '2027-01-04T10:00:00', '200.00')
    await order(vip, '2027-01-12T10:00:00', '150.00')
    await order(small, '2027-01-12T10:00:00', '40.00')
    expect((await tiers())[vip]).toBe('S')
    // Monday 8 February: only the 12 January purchase is within 30 days, so the weekly run says B.
    await monday('2027-02-08')
    expect((await tiers())[vip]).toBe('B')
    const callBacks = () =>
      crm.rows(sql<{ customer: string }>`select customer::text as customer from app_crm.tasks
        where kind = 'call_back' and customer in (${vip}, ${small}) order by id`)
    await crm.at('2027-02-11T09:59:00')
    expect(await callBacks()).toEqual([])
    // 30 days after 12 January 10:00: tier S in the 30 days up to the last purchase (¥350 in two), so a call-back;
    // 'small' was B then and now.
    await crm.at('2027-02-11T10:00:01')
    expect(await callBacks()).toEqual([{ customer: vip }])
  })
})
