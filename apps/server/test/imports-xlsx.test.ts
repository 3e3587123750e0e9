import ExcelJS from 'exceljs'
import { beforeAll, expect, it } from 'vitest'
import { useApi, type Api } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { multipart } from './support/multipart.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

async function upload(api: Api, form: string, content: Buffer) {
  const body = multipart(
    '客户.xlsx',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    content,
  )
  const res = await api.app.inject({
    method: 'POST',
    url: `${base}/${form}/imports`,
    payload: body.payload,
    headers: { ...body.headers, ...api.headers },
  })
  return { status: res.statusCode, body: JSON.parse(res.body) }
}

/** A workbook as Excel writes one: real dates, numbers, a formula with its cached result, rich text. */
async function workbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('客户')
  sheet.addRow(['姓名', '手机', '生日', '积分', '备注'])
  sheet.addRow(['张三', '138 0013 8000', new Date(Date.UTC(2026, 0, 5)), 1200, '老客户'])
  sheet.addRow([
    { richText: [{ text: '李' }, { text: '四', font: { bold: true } }] },
    13900139000,
    '2026年1月6日',
    { formula: 'SUM(1,2)', result: 3 },
    null,
  ])
  sheet.addRow(['王五', 'not a phone', null, null, null])
  sheet.addRow(['张三', '+86 138 0013 8000', null, null, '又来了'])
  return Buffer.from(await book.xlsx.writeBuffer())
}

describeEachDatabase('imports: XLSX', (ctx) => {
  const api = useApi(ctx)

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
  })

  it('reads the first sheet: dates, numbers, formulas and rich text, deduped by phone', async () => {
    const up = await upload(api, 'customers', await workbook())
    expect(up.status, JSON.stringify(up.body)).toBe(201)
    expect(up.body).toMatchObject({ format: 'xlsx', hasHeader: true })
    expect(up.body.mapping).toEqual({ 0: 'name', 1: 'phone', 2: 'birthday', 3: 'points', 4: 'note' })
    expect(up.body.preview[0].values).toMatchObject({ birthday: '2026-01-05', points: 1200 })
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: up.body.mapping,
      keys: ['phone'],
    })
    expect(res.body).toMatchObject({ rows: 4, inserted: 2, merged: 1, rejected: 1 })
    expect(res.body.rejections).toEqual([expect.objectContaining({ line: 4, code: 'import.invalid_phone' })])
    const list = await api.call('GET', `${base}/customers/records?sort=id`)
    expect(
      list.body.records.map((r: Record<string, unknown>) => [r.name, r.phone, r.birthday, r.points, r.note]),
    ).toEqual([
      ['张三', '+8613800138000', '2026-01-05', 1200, '老客户'],
      ['李四', '+8613900139000', '2026-01-06', 3, null],
    ])
  })
})
