/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The CRM template's dashboards on its demo data: installed with the app, every widget runs, and the
 * figures equal SQL written here against the app's tables, independently of the report engine (scores
 * rather than the NPS formula, orders rather than the customer rollups).
 */
describeEachDatabase('CRM template: dashboards on the demo data', (ctx) => {
  const api = useApi(ctx)
  const url = '/api/apps/crm'
  let reports: Array<{ id: string; name: { en: string } }>
  let dashboards: Array<{ id: string; name: { en: string }; widgets: Array<{ key: string; report: string }> }>

  const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(ctx.database.db)).rows[0]!
  const dashboard = (en: string) => dashboards.find((d) => d.name.en === en)!
  const widget = (run: any, key: string) => run.widgets.find((w: any) => w.key === key)
  /** The grand total row's value of a measure (by key) in the first column. */
  const total = (grid: any, measure: string) => {
    const row = grid.rows.findIndex((r: any) => r.total)
    const m = grid.measures.findIndex((x: any) => x.key === measure)
    return Number(grid.values[row][0][m])
  }
  const rowValue = (grid: any, value: string, measure: string) => {
    const row = grid.rows.findIndex((r: any) => !r.total && r.cells[0].value === value)
    const m = grid.measures.findIndex((x: any) => x.key === measure)
    return Number(grid.values[row][0][m])
  }

  beforeAll(async () => {
    const installed = await api.call('POST', '/api/templates/crm-retention/install', {
      demo: true,
      size: 300,
      seed: 7,
      end: '2026-06-30',
    })
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    reports = (await api.call('GET', `${url}/reports`)).body.reports
    dashboards = (await api.call('GET', `${url}/dashboards`)).body.dashboards
  }, 240_000)

  it('installs the reports and the owner, store and pipeline dashboards with the app', () => {
    expect(reports.length).toBe(12)
    expect(dashboards.map((d) => d.name.en)).toEqual(['Owner dashboard', 'Store dashboard', 'Pipeline'])
    const ids = new Set(reports.map((r) => r.id))
    for (const d of dashboards) for (const w of d.widgets) expect(ids.has(w.report)).toBe(true)
  })

  it('runs every widget of every dashboard for the owner', async () => {
    for (const d of dashboards) {
      const run = await api.call('POST', `${url}/dashboards/${d.id}/run`, { locale: 'zh-CN' })
      expect(run.status, JSON.stringify(run.body)).toBe(200)
      for (const w of run.body.widgets) expect(w.error, `${d.name.en}/${w.key}`).toBeUndefined()
    }
  })

  it('coupon redemption and NPS equal SQL over the coupons and the raw survey scores', async () => {
    const run = (await api.call('POST', `${url}/dashboards/${dashboard('Owner dashboard').id}/run`, {})).body
    const coupons = await one(sql<{ issued: number; redeemed: number }>`
      select count(*)::int as issued, count(*) filter (where redeemed)::int as redeemed
      from app_crm.coupons where deleted_at is null`)
    const grid = widget(run, 'coupon_redemption').grid
    expect(total(grid, 'issued')).toBe(coupons.issued)
    expect(total(grid, 'redeemed')).toBe(coupons.redeemed)
    expect(total(grid, 'rate')).toBeCloseTo(coupons.redeemed / coupons.issued, 10)

    const scores = await one(sql<{ promoters: number; detractors: number; answers: number }>`
      select count(*) filter (where score >= 9)::int as promoters, count(*) filter (where score <= 6)::int as detractors,
        count(*)::int as answers from app_crm.surveys where deleted_at is null`)
    expect(scores.answers).toBeGreaterThan(10)
    const nps = (100 * (scores.promoters - scores.detractors)) / scores.answers
    expect(total(widget(run, 'nps').grid, 'nps')).toBeCloseTo(nps, 8)
  })

  it("CLV and AOV by tier equal SQL over the paid orders of each tier's customers", async () => {
    const run = (await api.call('POST', `${url}/dashboards/${dashboard('Owner dashboard').id}/run`, {})).body
    const grid = widget(run, 'value_by_tier').grid
    const { rows } = await sql<{ tier: string; buyers: number; revenue: string; orders: number }>`
      select c.tier, count(distinct c.id)::int as buyers, sum(o.amount)::text as revenue, count(o.id)::int as orders
      from app_crm.customers c join app_crm.orders o on o.customer = c.id and o.deleted_at is null and o.status = 'paid'
      where c.deleted_at is null group by c.tier`.execute(ctx.database.db)
    expect(rows.length).toBeGreaterThanOrEqual(3)
    for (const row of rows) {
      expect(rowValue(grid, row.tier, 'clv'), row.tier).toBeCloseTo(Number(row.revenue) / row.buyers, 6)
      expect(rowValue(grid, row.tier, 'aov'), row.tier).toBeCloseTo(Number(row.revenue) / row.orders, 6)
    }
  })

  it('the stage conversion widget equals SQL over the stage history; every opportunity past 线索 left it', async () => {
    const run = (await api.call('POST', `${url}/dashboards/${dashboard('Pipeline').id}/run`, {})).body
    const grid = widget(run, 'pipeline_stages').grid
    const { rows } = await sql<{ stage: string; left: number; advanced: number; days: string }>`
      select from_stage as stage, count(*)::int as left, count(*) filter (where advanced)::int as advanced,
        avg(days_in_stage)::text as days
      from app_crm.opportunity_stage_changes where deleted_at is null and from_stage is not null
      group by from_stage`.execute(ctx.database.db)
    // The small demo (300 customers) has 3 opportunities: every stage left at least once has a row, no other.
    expect(rows.length).toBeGreaterThan(0)
    expect(grid.rows.filter((r: any) => !r.total)).toHaveLength(rows.length)
    for (const row of rows) {
      expect(rowValue(grid, row.stage, 'left'), row.stage).toBe(row.left)
      expect(rowValue(grid, row.stage, 'advanced'), row.stage).toBe(row.advanced)
      expect(rowValue(grid, row.stage, 'conversion'), row.stage).toBeCloseTo(row.advanced / row.left, 10)
      expect(rowValue(grid, row.stage, 'avg_days'), row.stage).toBeCloseTo(Number(row.days), 8)
    }
    const past = await one(sql<{ n: number }>`
      select count(*)::int as n from app_crm.opportunities where deleted_at is null and stage <> 'lead'`)
    expect(rowValue(grid, 'lead', 'left')).toBe(past.n)
  })

  it("a store manager's pipeline dashboard counts their store's stage history only", async () => {
    const busiest = await one(sql<{ store: string; left: number }>`
      select store::text as store, count(*)::int as left from app_crm.opportunity_stage_changes
      where deleted_at is null and from_stage is not null and store is not null
      group by store order by count(*) desc limit 1`)
    const manager = await api.user({ username: 'pipeline_manager', attributes: { store: busiest.store } })
    expect((await api.call('PUT', `${url}/members/${manager.id}`, { role: 'store_manager' })).status).toBe(
      204,
    )
    const run = await api.callAs(
      manager.token,
      'POST',
      `${url}/dashboards/${dashboard('Pipeline').id}/run`,
      {},
    )
    expect(run.status, JSON.stringify(run.body)).toBe(200)
    for (const w of run.body.widgets) expect(w.error, w.key).toBeUndefined()
    expect(total(widget(run.body, 'pipeline_stages').grid, 'left')).toBe(busiest.left)
  })

  it("a store manager's store dashboard shows their store only; the owner's store filter gives the same", async () => {
    const manager = await api.user({ username: 'store_one_manager', attributes: { store: '1' } })
    expect((await api.call('PUT', `${url}/members/${manager.id}`, { role: 'store_manager' })).status).toBe(
      204,
    )
    const store = dashboard('Store dashboard')
    const mine = await api.callAs(manager.token, 'POST', `${url}/dashboards/${store.id}/run`, {})
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    for (const w of mine.body.widgets) expect(w.error, w.key).toBeUndefined()
    const sales = await one(sql<{ revenue: string; orders: number }>`
      select sum(amount)::text as revenue, count(*)::int as orders from app_crm.orders
      where deleted_at is null and status = 'paid' and store = 1`)
    const all = await one(sql<{ orders: number }>`
      select count(*)::int as orders from app_crm.orders where deleted_at is null and status = 'paid'`)
    expect(sales.orders).toBeLessThan(all.orders)
    const grid = widget(mine.body, 'monthly_sales').grid
    expect(total(grid, 'orders')).toBe(sales.orders)
    expect(total(grid, 'revenue')).toBeCloseTo(Number(sales.revenue), 2)

    const owner = await api.call('POST', `${url}/dashboards/${dashboard('Owner dashboard').id}/run`, {
      filters: { store: '1' },
    })
    const lifecycle = await one(sql<{ customers: number }>`
      select count(*)::int as customers from app_crm.customers
      where deleted_at is null and store = 1 and last_purchase_at is not null`)
    expect(total(widget(owner.body, 'lifecycle').grid, 'customers')).toBe(lifecycle.customers)
  })
})
