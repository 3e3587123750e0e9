/* eslint-disable @typescript-eslint/no-explicit-any -- responses are checked by assertions */
import type { PivotSpec } from '@trellis/report-engine'
import ExcelJS from 'exceljs'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { revenueByTier, seedShop, storeClerkApp } from './support/report-shop.js'

const byMonthAndTier: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'ordered_on', bucket: 'month', label: { 'zh-CN': '月份', en: 'Month' } }],
  columns: [{ field: 'customer.tier', label: { 'zh-CN': '等级', en: 'Tier' } }],
  measures: [
    { key: 'n', agg: 'count', label: { 'zh-CN': '单数', en: 'Orders' } },
    { key: 'revenue', agg: 'sum', field: 'amount', label: { 'zh-CN': '收入', en: 'Revenue' } },
  ],
  totals: { rows: true, columns: true },
}
const byMonth: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'ordered_on', bucket: 'month', label: { 'zh-CN': '月份', en: 'Month' } }],
  measures: [{ key: 'revenue', agg: 'sum', field: 'amount', label: { 'zh-CN': '收入', en: 'Revenue' } }],
  totals: { rows: true },
}

describeEachDatabase('report export to CSV and XLSX', (ctx) => {
  const api = useApi(ctx)
  let clerk: string
  let clerkId: string
  let reportId: string
  const url = '/api/apps/xshop'

  /** Raw download: status, headers and bytes. */
  const download = async (
    token: string | undefined,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ) => {
    const res = await api.app.inject({
      method,
      url: `${url}${path}`,
      headers: token ? { authorization: `Bearer ${token}` } : api.headers,
      ...(body === undefined ? {} : { payload: body as object }),
    })
    return { status: res.statusCode, headers: res.headers, raw: res.rawPayload, text: res.body }
  }

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', storeClerkApp('xshop'))).status).toBe(201)
    expect((await api.call('POST', `${url}/publish`, {})).status).toBe(200)
    ;({ clerk, clerkId } = await seedShop(api, 'xshop', 'export_clerk'))
    const report = await api.call('POST', `${url}/reports`, {
      name: { 'zh-CN': '月度收入', en: 'Monthly revenue' },
      spec: byMonthAndTier,
    })
    expect(report.status, JSON.stringify(report.body)).toBe(201)
    reportId = report.body.id
  })

  it('a saved report as CSV: headers per column level, measures, subtotal and total lines, BOM, CRLF', async () => {
    const res = await download(undefined, 'GET', `/reports/${reportId}/export?format=csv&locale=en`)
    expect(res.status, res.text).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''Monthly%20revenue.csv`)
    expect(res.text).toBe(
      '\uFEFF' +
        [
          'Tier,Normal,,VIP,,Total,',
          'Month,Orders,Revenue,Orders,Revenue,Orders,Revenue',
          '2026-03,1,30,2,300,3,330',
          '2026-04,,,2,550,2,550',
          'Total,1,30,4,850,5,880',
          '',
        ].join('\r\n'),
    )
  })

  it('the same as XLSX: numbers stay numbers, headers and totals bold, headers frozen', async () => {
    const res = await download(undefined, 'GET', `/reports/${reportId}/export?format=xlsx&locale=zh-CN`)
    expect(res.status, res.text).toBe(200)
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(res.raw as never)
    const sheet = workbook.worksheets[0]!
    expect(sheet.name).toBe('月度收入')
    const values = (sheet.getSheetValues() as unknown[][]).slice(1).map((row) => row.slice(1))
    expect(values).toEqual([
      ['等级', '普通', undefined, '会员', undefined, '合计'],
      ['月份', '单数', '收入', '单数', '收入', '单数', '收入'],
      ['2026-03', 1, 30, 2, 300, 3, 330],
      ['2026-04', undefined, undefined, 2, 550, 2, 550],
      ['合计', 1, 30, 4, 850, 5, 880],
    ])
    expect(sheet.getRow(5).font?.bold).toBe(true)
    expect(sheet.getRow(3).font?.bold).toBeFalsy()
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 2 })
  })

  it('a clerk exports only what they may see, and only from forms their role may export', async () => {
    // Orders may be exported by the clerk; the join reads customers, which they may read but not export.
    const joined = await download(clerk, 'GET', `/reports/${reportId}/export?format=csv`)
    expect(joined.status).toBe(403)
    expect(JSON.parse(joined.text).code).toBe('FORBIDDEN')
    const tiers = await download(clerk, 'POST', '/pivot/export', { spec: revenueByTier, format: 'csv' })
    expect(tiers.status).toBe(403)
    const customers = await download(clerk, 'POST', '/pivot/export', {
      spec: { source: 'customers', measures: [{ key: 'n', agg: 'count' }] },
      format: 'csv',
    })
    expect([customers.status, JSON.parse(customers.text).code]).toEqual([403, 'FORBIDDEN'])

    const mine = await download(clerk, 'POST', '/pivot/export', {
      spec: byMonth,
      format: 'csv',
      locale: 'en',
    })
    expect(mine.status, mine.text).toBe(200)
    // Store A's orders only: 100 + 30 in March, 50 in April.
    expect(mine.text).toBe(
      '\uFEFF' + ['Month,Revenue', '2026-03,130', '2026-04,50', 'Total,180', ''].join('\r\n'),
    )
    const theirs = await download(undefined, 'POST', '/pivot/export', {
      spec: byMonth,
      format: 'csv',
      locale: 'en',
    })
    expect(theirs.text).toBe(
      '\uFEFF' + ['Month,Revenue', '2026-03,330', '2026-04,550', 'Total,880', ''].join('\r\n'),
    )

    const outsider = (await api.user({ username: 'export_outsider' })).token
    const refused = await download(outsider, 'POST', '/pivot/export', { spec: byMonth, format: 'csv' })
    expect([refused.status, JSON.parse(refused.text).code]).toEqual([403, 'APP_FORBIDDEN'])
    const badFormat = await download(undefined, 'POST', '/pivot/export', { spec: byMonth, format: 'pdf' })
    expect(badFormat.status).toBe(400)
  })

  it('neutralizes values a spreadsheet would run as formulas', async () => {
    const store = (await api.call('POST', `${url}/forms/stores/records`, { values: { name: 'C' } })).body.id
    const evil = await api.call('POST', `${url}/forms/customers/records`, {
      values: { name: '=HYPERLINK("http://x.test","a")', store, tier: 'normal' },
    })
    await api.call('POST', `${url}/forms/orders/records`, {
      values: { store, customer: evil.body.id, amount: 1, status: 'paid', ordered_on: '2026-05-01' },
    })
    const spec: PivotSpec = {
      source: 'orders',
      filter: { '==': [{ var: 'store' }, store] },
      rows: [{ field: 'customer.name' }],
      measures: [{ key: 'n', agg: 'count', label: { en: 'n' } }],
    }
    const res = await download(undefined, 'POST', '/pivot/export', { spec, format: 'csv', locale: 'en' })
    expect(res.text.split('\r\n')[1]).toBe(`"'=HYPERLINK(""http://x.test"",""a"")",1`)
  })

  it('every export is in the audit log: who, which form and report, which format', async () => {
    await download(clerk, 'POST', '/pivot/export', { spec: byMonth, format: 'xlsx' })
    const audit = await api.call('GET', `/api/audit?app=xshop&action=export&actor=${clerkId}`)
    expect(audit.status, JSON.stringify(audit.body)).toBe(200)
    const [latest] = audit.body.entries
    expect(latest).toMatchObject({ actor: clerkId, app_key: 'xshop', form_key: 'orders', action: 'export' })
    expect(latest.after).toMatchObject({ report: null, format: 'xlsx', cells: 3 })
    // Refused exports leave nothing.
    expect(audit.body.entries.every((e: any) => e.form_key === 'orders')).toBe(true)
  })
})
