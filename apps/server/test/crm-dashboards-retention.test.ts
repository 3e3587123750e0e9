/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The owner dashboard's retention figures on the demo data, each equal to SQL written here over the app's
 * tables (paid orders, months in Asia/Shanghai), independently of the report engine: repurchase trend,
 * active/dormant/churned customers, new vs returning revenue, cohort retention, and the RFM segment
 * distribution — which must also match the segments the weekly RFM rule wrote into the customer file.
 */
describeEachDatabase('CRM template: retention figures on the demo data', (ctx) => {
  const api = useApi(ctx)
  const url = '/api/apps/crm'
  let owner: any
  let pipeline: any

  const rows = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(ctx.database.db)).rows
  const widget = (key: string) => {
    const w = owner.widgets.find((x: any) => x.key === key)
    expect(w?.error, key).toBeUndefined()
    return w.grid
  }
  /** A month header as 'YYYY-MM' in Shanghai, whether the grid gives a date or an instant. */
  const month = (value: unknown) => {
    const text = String(value)
    if (!text.includes('T')) return text.slice(0, 7)
    return new Date(Date.parse(text) + 8 * 3600_000).toISOString().slice(0, 7)
  }
  /** measure values by the row's first cell (months normalized), non-total rows, first column. */
  const byRow = (grid: any, measure: string, key = (v: unknown) => String(v), column = 0) => {
    const m = grid.measures.findIndex((x: any) => x.key === measure)
    const out: Record<string, number> = {}
    grid.rows.forEach((r: any, i: number) => {
      if (r.total) return
      const value = grid.values[i][column]?.[m]
      if (value !== null && value !== undefined) out[key(r.cells[0].value)] = Number(value)
    })
    return out
  }
  const close = (actual: Record<string, number>, expected: Record<string, number>) => {
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort())
    for (const [k, v] of Object.entries(expected)) expect(actual[k], k).toBeCloseTo(v, 6)
  }

  beforeAll(async () => {
    const installed = await api.call('POST', '/api/templates/crm-retention/install', {
      demo: true,
      size: 300,
      seed: 11,
      // Up to today, so customers fall in all three lifecycle states.
      end: new Date().toISOString().slice(0, 10),
    })
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    const dashboards = (await api.call('GET', `${url}/dashboards`)).body.dashboards
    const id = dashboards.find((d: any) => d.name.en === 'Owner dashboard').id
    const run = await api.call('POST', `${url}/dashboards/${id}/run`, { locale: 'en' })
    expect(run.status, JSON.stringify(run.body)).toBe(200)
    owner = run.body
    const funnelId = dashboards.find((d: any) => d.name.en === 'Pipeline').id
    pipeline = (await api.call('POST', `${url}/dashboards/${funnelId}/run`, { locale: 'en' })).body
  }, 240_000)

  const paid = sql`(select o.customer, o.amount, to_char(o.ordered_at at time zone 'Asia/Shanghai', 'YYYY-MM') as m,
      min(to_char(o.ordered_at at time zone 'Asia/Shanghai', 'YYYY-MM')) over (partition by o.customer) as first_m
    from app_crm.orders o where o.deleted_at is null and o.status = 'paid')`

  it('repurchase trend: buyers of each month who had bought in an earlier month', async () => {
    const expected = await rows(sql<{ m: string; buyers: string; returning: string }>`
      select m, count(distinct customer) as buyers, count(distinct customer) filter (where first_m < m) as returning
      from ${paid} p group by m`)
    const grid = widget('repurchase_trend')
    close(byRow(grid, 'buyers', month), Object.fromEntries(expected.map((r) => [r.m, Number(r.buyers)])))
    close(
      byRow(grid, 'rate', month),
      Object.fromEntries(expected.map((r) => [r.m, Number(r.returning) / Number(r.buyers)])),
    )
    expect(expected.length).toBeGreaterThan(12)
  })

  it('active, dormant and churned customers by their last paid purchase', async () => {
    const [expected] = await rows(sql<{ active: string; dormant: string; churned: string }>`
      select count(*) filter (where last_purchase_at >= now() - interval '60 days') as active,
        count(*) filter (where last_purchase_at < now() - interval '60 days'
          and last_purchase_at >= now() - interval '180 days') as dormant,
        count(*) filter (where last_purchase_at < now() - interval '180 days') as churned
      from (select c.id, max(o.ordered_at) as last_purchase_at from app_crm.customers c
        join app_crm.orders o on o.customer = c.id and o.deleted_at is null and o.status = 'paid'
        where c.deleted_at is null group by c.id) x`)
    const actual = byRow(widget('lifecycle'), 'customers')
    expect(Object.keys(actual).sort()).toEqual(['active', 'churned', 'dormant'])
    expect({ active: 0, dormant: 0, churned: 0, ...actual }).toEqual({
      active: Number(expected!.active),
      dormant: Number(expected!.dormant),
      churned: Number(expected!.churned),
    })
  })

  it('new vs returning revenue: an order is new in the month of the customer’s first purchase', async () => {
    const expected = await rows(sql<{ m: string; fresh: string; returning: string }>`
      select m, coalesce(sum(amount) filter (where first_m = m), 0) as fresh,
        coalesce(sum(amount) filter (where first_m < m), 0) as returning
      from ${paid} p group by m`)
    const grid = widget('new_vs_returning')
    const col = (value: string) => grid.columns.findIndex((c: any) => !c.total && c.cells[0]?.value === value)
    const revenue = 'revenue'
    const got = (value: string) => byRow(grid, revenue, month, col(value))
    const want = (pick: (r: (typeof expected)[number]) => string) =>
      Object.fromEntries(expected.filter((r) => Number(pick(r)) !== 0).map((r) => [r.m, Number(pick(r))]))
    const nonZero = (o: Record<string, number>) =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0))
    close(
      nonZero(got('new')),
      want((r) => r.fresh),
    )
    close(
      nonZero(got('returning')),
      want((r) => r.returning),
    )
  })

  it('cohort retention: the share of each first-purchase month still buying k months later', async () => {
    const expected = await rows(sql<{ cohort: string; k: number; customers: string; size: string }>`
      with p as ${paid},
      k as (select customer, first_m as cohort,
        (extract(year from to_date(m, 'YYYY-MM')) * 12 + extract(month from to_date(m, 'YYYY-MM')))
        - (extract(year from to_date(first_m, 'YYYY-MM')) * 12 + extract(month from to_date(first_m, 'YYYY-MM'))) as k
        from p)
      select cohort, cast(k as integer) as k, count(distinct customer) as customers,
        (select count(distinct customer) from k k0 where k0.cohort = k.cohort) as size
      from k group by cohort, k`)
    const grid = widget('cohort_retention')
    const m = grid.measures.findIndex((x: any) => x.key === 'retention')
    let checked = 0
    for (const r of expected) {
      const row = grid.rows.findIndex((h: any) => !h.total && month(h.cells[0].value) === r.cohort)
      const column = grid.columns.findIndex((h: any) => !h.total && Number(h.cells[0].value) === Number(r.k))
      expect(row, r.cohort).toBeGreaterThanOrEqual(0)
      expect(column, String(r.k)).toBeGreaterThanOrEqual(0)
      expect(Number(grid.values[row][column][m]), `${r.cohort} +${r.k}`).toBeCloseTo(
        Number(r.customers) / Number(r.size),
        6,
      )
      checked++
    }
    expect(checked).toBeGreaterThan(50)
  })

  it('RFM segments: the report, SQL quintiles written here and the customer file agree', async () => {
    const expected = await rows(sql<{ segment: string; customers: string }>`
      with c as (select o.customer, max(o.ordered_at) as last, count(*) as n, sum(o.amount) as amount
        from app_crm.orders o join app_crm.customers cu on cu.id = o.customer and cu.deleted_at is null
        where o.deleted_at is null and o.status = 'paid' group by o.customer),
      s as (select customer,
        1 + 5 * (rank() over (order by last) - 1) / count(*) over () as r,
        1 + 5 * (rank() over (order by n) - 1) / count(*) over () as f,
        1 + 5 * (rank() over (order by amount) - 1) / count(*) over () as m from c)
      select case
          when r >= 3 and f >= 3 and m >= 3 then 'important_value'
          when r >= 3 and f < 3 and m >= 3 then 'important_develop'
          when r < 3 and f >= 3 and m >= 3 then 'important_keep'
          when r < 3 and f < 3 and m >= 3 then 'important_winback'
          when r >= 3 and f >= 3 then 'general_value'
          when r >= 3 then 'general_develop'
          when f >= 3 then 'general_keep'
          else 'general_winback' end as segment, count(*) as customers
      from s group by 1`)
    const want = Object.fromEntries(expected.map((r) => [r.segment, Number(r.customers)]))
    expect(byRow(widget('rfm_segments'), 'customers')).toEqual(want)
    const file = await rows(sql<{ segment: string; customers: string }>`
      select rfm_segment as segment, count(*) as customers from app_crm.customers
      where deleted_at is null and rfm_segment is not null group by 1`)
    expect(Object.fromEntries(file.map((r) => [r.segment, Number(r.customers)]))).toEqual(want)
    expect(Object.keys(want).length).toBeGreaterThanOrEqual(6)
  })

  it('pipeline funnel: opportunities and expected amount per stage', async () => {
    const expected = await rows(sql<{ stage: string; n: string; amount: string | null }>`
      select stage, count(*) as n, sum(amount) as amount from app_crm.opportunities
      where deleted_at is null group by stage`)
    const grid = pipeline.widgets.find((w: any) => w.key === 'pipeline_funnel').grid
    expect(byRow(grid, 'opportunities')).toEqual(
      Object.fromEntries(expected.map((r) => [r.stage, Number(r.n)])),
    )
    close(
      byRow(grid, 'amount'),
      Object.fromEntries(expected.filter((r) => r.amount !== null).map((r) => [r.stage, Number(r.amount)])),
    )
    expect(expected.length).toBeGreaterThanOrEqual(2)
  })
})
