/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { revenueByTier, seedShop, storeClerkApp, table } from './support/report-shop.js'

describeEachDatabase('saved reports and dashboards', (ctx) => {
  const api = useApi(ctx)
  let clerk: string
  let store: Record<string, string>
  let outsider: string
  const url = '/api/apps/dshop'
  const name = { 'zh-CN': '按等级收入', en: 'Revenue by tier' }

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', storeClerkApp('dshop'))).status).toBe(201)
    expect((await api.call('POST', `${url}/publish`, {})).status).toBe(200)
    ;({ clerk, store } = await seedShop(api, 'dshop', 'dash_clerk'))
    outsider = (await api.user({ username: 'dash_outsider', attributes: {} })).token
  })

  it('saves, reads, lists, updates (optimistically) and checks reports', async () => {
    const created = await api.call('POST', `${url}/reports`, {
      name,
      spec: revenueByTier,
      chart: { type: 'bar', measure: 'revenue' },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body).toMatchObject({
      app: 'dshop',
      name,
      spec: revenueByTier,
      chart: { type: 'bar' },
      version: 1,
    })
    const id = created.body.id
    expect((await api.call('GET', `${url}/reports/${id}`)).body.spec).toEqual(revenueByTier)
    expect((await api.call('GET', `${url}/reports`)).body.reports.map((r: any) => r.id)).toContain(id)

    const renamed = { name: { en: 'By tier' }, spec: revenueByTier, chart: null, version: 1 }
    const updated = await api.call('PUT', `${url}/reports/${id}`, renamed)
    expect(updated.status, JSON.stringify(updated.body)).toBe(200)
    expect(updated.body).toMatchObject({ name: { en: 'By tier' }, chart: null, version: 2 })
    const stale = await api.call('PUT', `${url}/reports/${id}`, renamed)
    expect([stale.status, stale.body.code]).toEqual([409, 'VERSION_CONFLICT'])

    const badField = await api.call('POST', `${url}/reports`, {
      name,
      spec: { ...revenueByTier, rows: [{ field: 'customer.nope' }] },
    })
    expect([badField.status, badField.body.code, badField.body.path]).toEqual([
      400,
      'PIVOT_INVALID',
      'spec.rows.0.field',
    ])
    const badChart = await api.call('POST', `${url}/reports`, {
      name,
      spec: revenueByTier,
      chart: { type: 'radar' },
    })
    expect(badChart.status).toBe(400)
    const extra = await api.call('POST', `${url}/reports`, { name, spec: revenueByTier, owner: 'me' })
    expect(extra.status).toBe(400)

    const byClerk = await api.callAs(clerk, 'POST', `${url}/reports`, { name, spec: revenueByTier })
    expect([byClerk.status, byClerk.body.code]).toEqual([403, 'ADMIN_ONLY'])
    expect((await api.callAs(clerk, 'PUT', `${url}/reports/${id}`, renamed)).status).toBe(403)
    expect((await api.callAs(clerk, 'DELETE', `${url}/reports/${id}`)).status).toBe(403)
    expect((await api.callAs(outsider, 'GET', `${url}/reports`)).body.code).toBe('APP_FORBIDDEN')
    expect((await api.call('GET', `${url}/reports/999999`)).body.code).toBe('REPORT_NOT_FOUND')
  })

  it("runs a saved report with the viewer's access: a clerk's exact totals, and the chart option", async () => {
    const { id } = (
      await api.call('POST', `${url}/reports`, {
        name,
        spec: revenueByTier,
        chart: { type: 'bar', measure: 'revenue' },
      })
    ).body
    const admin = await api.call('POST', `${url}/reports/${id}/run`, { locale: 'en' })
    expect(admin.status, JSON.stringify(admin.body)).toBe(200)
    expect(table(admin.body.grid)).toEqual([
      ['normal', 1, 30],
      ['vip', 4, 850],
      ['total', 5, 880],
    ])
    expect(admin.body.chart.series[0].data.map(Number)).toEqual([30, 850])
    const mine = await api.callAs(clerk, 'POST', `${url}/reports/${id}/run`, {})
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    expect(table(mine.body.grid)).toEqual([
      ['normal', 1, 30],
      ['vip', 2, 150],
      ['total', 3, 180],
    ])
    expect((await api.callAs(outsider, 'POST', `${url}/reports/${id}/run`, {})).body.code).toBe(
      'APP_FORBIDDEN',
    )
  })

  it('dashboards: widgets of reports with global filters, each run with the viewer’s access', async () => {
    const tier = (await api.call('POST', `${url}/reports`, { name, spec: revenueByTier })).body.id
    const stores = (
      await api.call('POST', `${url}/reports`, {
        name: { en: 'Stores' },
        spec: { source: 'stores', measures: [{ key: 'n', agg: 'count' }] },
        chart: { type: 'kpi' },
      })
    ).body.id
    const dashboard = {
      name: { 'zh-CN': '经营概览', en: 'Overview' },
      filters: [
        { key: 'period', type: 'date_range' },
        { key: 'store', type: 'value' },
      ],
      widgets: [
        {
          key: 'tiers',
          report: tier,
          x: 0,
          y: 0,
          w: 6,
          h: 4,
          bind: { period: 'ordered_on', store: 'store' },
        },
        { key: 'stores', report: stores, x: 6, y: 0, w: 6, h: 4 },
      ],
    }
    const unknownFilter = await api.call('POST', `${url}/dashboards`, {
      ...dashboard,
      widgets: [{ ...dashboard.widgets[0], bind: { region: 'store' } }],
    })
    expect([unknownFilter.status, unknownFilter.body.code]).toEqual([400, 'FILTER_UNKNOWN'])
    const badBinding = await api.call('POST', `${url}/dashboards`, {
      ...dashboard,
      widgets: [{ ...dashboard.widgets[0], bind: { period: 'nope' } }],
    })
    expect([badBinding.status, badBinding.body.code]).toEqual([400, 'PIVOT_INVALID'])
    expect(badBinding.body.path).toMatch(/^widgets\.0\.bind/)
    const missing = await api.call('POST', `${url}/dashboards`, {
      ...dashboard,
      widgets: [{ ...dashboard.widgets[1], report: '999999' }],
    })
    expect([missing.status, missing.body.code, missing.body.path]).toEqual([
      400,
      'REPORT_NOT_FOUND',
      'widgets.0.report',
    ])
    const overlapping = await api.call('POST', `${url}/dashboards`, {
      ...dashboard,
      widgets: [{ ...dashboard.widgets[1], x: 12 }],
    })
    expect(overlapping.status).toBe(400)

    const created = await api.call('POST', `${url}/dashboards`, dashboard)
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = created.body.id
    expect((await api.call('GET', `${url}/dashboards/${id}`)).body).toMatchObject(dashboard)

    const march = { period: { from: '2026-03-01', to: '2026-03-31' } }
    const admin = await api.call('POST', `${url}/dashboards/${id}/run`, { filters: march })
    expect(admin.status, JSON.stringify(admin.body)).toBe(200)
    const [tiers, storeCount] = admin.body.widgets
    expect(table(tiers.grid)).toEqual([
      ['normal', 1, 30],
      ['vip', 2, 300],
      ['total', 3, 330],
    ])
    expect(storeCount.grid.values[0][0][0]).toBe(2)
    expect(storeCount.chart.trellis.value).toBe(2)

    const mine = await api.callAs(clerk, 'POST', `${url}/dashboards/${id}/run`, { filters: march })
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    expect(table(mine.body.widgets[0].grid)).toEqual([
      ['normal', 1, 30],
      ['vip', 1, 100],
      ['total', 2, 130],
    ])
    // The clerk's role has no access to stores: that widget says so, the others still show.
    expect(mine.body.widgets[1]).toMatchObject({ key: 'stores', error: { status: 403, code: 'FORBIDDEN' } })
    expect(mine.body.widgets[1]).not.toHaveProperty('grid')

    // A global filter value cannot widen the clerk's scope.
    const otherStore = await api.callAs(clerk, 'POST', `${url}/dashboards/${id}/run`, {
      filters: { store: store.B },
    })
    expect(table(otherStore.body.widgets[0].grid)).toEqual([['total', 0, null]])
    const injected = await api.callAs(clerk, 'POST', `${url}/dashboards/${id}/run`, {
      filters: { store: "1' or '1'='1" },
    })
    // A value is a bound parameter: either refused as not an id, or matching nothing.
    expect(injected.status).toBe(200)
    const w = injected.body.widgets[0]
    if (w.error) expect(w.error.status).toBe(400)
    else expect(table(w.grid)).toEqual([['total', 0, null]])
    const unknown = await api.callAs(clerk, 'POST', `${url}/dashboards/${id}/run`, {
      filters: { region: 'x' },
    })
    expect([unknown.status, unknown.body.code]).toEqual([400, 'FILTER_UNKNOWN'])

    const inUse = await api.call('DELETE', `${url}/reports/${tier}`)
    expect([inUse.status, inUse.body.code]).toEqual([409, 'REPORT_IN_USE'])
    const v1 = { ...dashboard, widgets: [dashboard.widgets[1]], version: 1 }
    expect((await api.call('PUT', `${url}/dashboards/${id}`, v1)).body.version).toBe(2)
    expect((await api.call('DELETE', `${url}/reports/${tier}`)).status).toBe(204)
    expect((await api.call('DELETE', `${url}/dashboards/${id}`)).status).toBe(204)
    expect((await api.call('GET', `${url}/dashboards/${id}`)).body.code).toBe('DASHBOARD_NOT_FOUND')
  })

  it('lists to a member only the reports over forms they may read', async () => {
    const storesReport = await api.call('POST', `${url}/reports`, {
      name: { 'zh-CN': '门店数', en: 'Stores' },
      spec: { source: 'stores', measures: [{ key: 'n', agg: 'count' }] },
    })
    expect(storesReport.status, JSON.stringify(storesReport.body)).toBe(201)
    const names = (reports: Array<{ name: { en: string } }>) => reports.map((r) => r.name.en)
    expect(names((await api.call('GET', `${url}/reports`)).body.reports)).toContain('Stores')
    const listed = await api.callAs(clerk, 'GET', `${url}/reports`)
    expect(listed.status).toBe(200)
    expect(names(listed.body.reports)).not.toContain('Stores')
    expect(names(listed.body.reports)).toContain('Revenue by tier')
  })

  it('a masked field bound to a dashboard filter is refused for the clerk, not narrowed on', async () => {
    const tier = (await api.call('POST', `${url}/reports`, { name, spec: revenueByTier })).body.id
    const created = await api.call('POST', `${url}/dashboards`, {
      name,
      filters: [{ key: 'phone', type: 'value' }],
      widgets: [{ key: 'w', report: tier, x: 0, y: 0, w: 12, h: 4, bind: { phone: 'customer.phone' } }],
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const run = await api.callAs(clerk, 'POST', `${url}/dashboards/${created.body.id}/run`, {
      filters: { phone: '+8613800000001' },
    })
    expect(run.body.widgets[0]).toMatchObject({ error: { status: 400, code: 'FIELD_UNKNOWN' } })
  })
})
