import type { AppDefinition } from '@trellis/form-engine'
import ExcelJS from 'exceljs'
import { beforeAll, expect, it } from 'vitest'
import { useApi, type Api } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

function appWithRoles(): AppDefinition {
  const app = shopApp()
  app.roles = [
    {
      key: 'clerk',
      label: { 'zh-CN': '店员', en: 'Clerk' },
      forms: {
        customers: {
          actions: ['read', 'export'],
          scope: { '==': [{ var: 'store' }, { var: '$user.store' }] },
          hidden: ['note'],
          masked: ['phone'],
        },
      },
    },
    { key: 'viewer', label: { 'zh-CN': '只读', en: 'Viewer' }, forms: { customers: { actions: ['read'] } } },
  ]
  return app
}

async function exportXlsx(api: Api, token?: string, query = '') {
  const res = await api.app.inject({
    method: 'GET',
    url: `${base}/customers/export.xlsx${query}`,
    headers: token ? { authorization: `Bearer ${token}` } : api.headers,
  })
  if (res.statusCode !== 200) return { status: res.statusCode, rows: [], sheet: undefined }
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const sheet = book.worksheets[0]!
  const rows: unknown[][] = []
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
  return { status: res.statusCode, type: res.headers['content-type'], rows, sheet }
}

describeEachDatabase('export to XLSX', (ctx) => {
  const api = useApi(ctx)
  let clerk: string
  let viewer: string

  beforeAll(async () => {
    await api.call('POST', '/api/apps', appWithRoles())
    expect((await api.call('POST', '/api/apps/shop/publish', {})).status).toBe(200)
    const storeA = (await api.call('POST', `${base}/stores/records`, { values: { name: 'A' } })).body.id
    const storeB = (await api.call('POST', `${base}/stores/records`, { values: { name: 'B' } })).body.id
    await api.call('POST', `${base}/customers/records`, {
      values: {
        name: '本店客户',
        phone: '13800138000',
        store: storeA,
        note: '只给店长看',
        tier: 'vip',
        points: 1200,
        birthday: '2026-01-05',
      },
    })
    await api.call('POST', `${base}/customers/records`, {
      values: { name: '别店客户', phone: '13900139000', store: storeB, note: 'secret' },
    })
    await api.call('POST', `${base}/customers/records`, {
      values: { name: '=1+1', phone: '13300133000', store: storeA, note: '@SUM(A1)' },
    })
    const c = await api.user({ username: 'clerk', attributes: { store: storeA } })
    await api.call('PUT', `/api/apps/shop/members/${c.id}`, { role: 'clerk' })
    clerk = c.token
    const v = await api.user({ username: 'viewer' })
    await api.call('PUT', `/api/apps/shop/members/${v.id}`, { role: 'viewer' })
    viewer = v.token
  })

  it('writes typed cells under the same headers as the CSV; formula-like text stays text', async () => {
    const all = await exportXlsx(api)
    expect(all.status).toBe(200)
    expect(all.type).toContain('spreadsheetml')
    const header = all.rows[0] as string[]
    expect(header.slice(0, 4)).toEqual(['id', '编号', '姓名', '手机'])
    expect(all.rows).toHaveLength(1 + 3)
    const col = (name: string) => header.indexOf(name)
    const first = all.rows.find((r) => r[col('姓名')] === '本店客户')!
    expect(first[col('积分')]).toBe(1200)
    expect(first[col('生日')]).toEqual(new Date('2026-01-05T00:00:00Z'))
    expect(first[col('手机')]).toBe('+8613800138000')
    // A formula-like name is a plain string cell (never a formula), formatted as Text so editing keeps it text.
    const rowNumber = all.rows.findIndex((r) => r[col('姓名')] === '=1+1') + 1
    const cell = all.sheet!.getRow(rowNumber).getCell(col('姓名') + 1)
    expect(cell.type).toBe(ExcelJS.ValueType.String)
    expect(cell.value).toBe('=1+1')
    expect(cell.numFmt).toBe('@')
    expect(all.sheet!.getRow(rowNumber).getCell(col('备注') + 1).numFmt).toBe('@')
  })

  it('applies the filter and locale like the CSV export', async () => {
    const vip = await exportXlsx(
      api,
      undefined,
      `?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'tier' }, 'vip'] }))}&locale=en`,
    )
    expect((vip.rows[0] as string[]).slice(0, 4)).toEqual(['id', 'Code', 'Name', 'Phone'])
    expect(vip.rows).toHaveLength(2)
    expect(vip.rows[1]).toContain('本店客户')
  })

  it('records who exported what in the audit log, for CSV and XLSX alike', async () => {
    const filter = { '==': [{ var: 'tier' }, 'vip'] }
    await exportXlsx(api, undefined, `?filter=${encodeURIComponent(JSON.stringify(filter))}`)
    expect((await api.call('GET', `${base}/customers/export.csv`)).status).toBe(200)
    const res = await api.call('GET', '/api/audit?app=shop&form=customers&action=export')
    expect(res.status).toBe(200)
    // Newest first: the two exports just made.
    expect(res.body.entries.slice(0, 2).map((e: { after: unknown }) => e.after)).toEqual([
      { format: 'csv', filter: null },
      { format: 'xlsx', filter },
    ])
    expect(res.body.entries[0].actor).toMatch(/^admin_/)
  })

  it('a clerk gets only their rows, without hidden fields, with masked phones; no export action, no file', async () => {
    const mine = await exportXlsx(api, clerk)
    expect(mine.status).toBe(200)
    const header = mine.rows[0] as string[]
    expect(header).not.toContain('备注')
    expect(mine.rows).toHaveLength(1 + 2)
    const text = JSON.stringify(mine.rows)
    expect(text).not.toContain('别店客户')
    expect(text).not.toContain('13800138000')
    expect(text).toContain('138****8000')
    expect((await exportXlsx(api, viewer)).status).toBe(403)
    expect((await exportXlsx(api, undefined, '?filter=%7Bnot-json')).status).toBe(400)
    const unknown = `?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'nope' }, 1] }))}`
    expect((await exportXlsx(api, undefined, unknown)).status).toBe(400)
  })
})
