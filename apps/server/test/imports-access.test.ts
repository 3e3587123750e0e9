import type { AppDefinition } from '@trellis/form-engine'
import { beforeAll, expect, it } from 'vitest'
import { useApi, type Api } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { multipart } from './support/multipart.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

async function upload(api: Api, form: string, content: Buffer, token?: string) {
  const body = multipart('data.csv', 'text/csv', content)
  const res = await api.app.inject({
    method: 'POST',
    url: `${base}/${form}/imports`,
    payload: body.payload,
    headers: { ...body.headers, ...(token ? { authorization: `Bearer ${token}` } : api.headers) },
  })
  return { status: res.statusCode, body: JSON.parse(res.body) }
}

function appWithRoles(): AppDefinition {
  const app = shopApp()
  app.roles = [
    {
      key: 'clerk',
      label: { 'zh-CN': '店员', en: 'Clerk' },
      forms: {
        customers: {
          actions: ['read', 'create', 'update', 'import', 'export'],
          scope: { '==': [{ var: 'store' }, { var: '$user.store' }] },
          hidden: ['note'],
          masked: ['phone'],
        },
      },
    },
    {
      key: 'viewer',
      label: { 'zh-CN': '只读', en: 'Viewer' },
      forms: { customers: { actions: ['read'] } },
    },
  ]
  return app
}

const exportCsv = async (api: Api, token?: string, query = '') => {
  const res = await api.app.inject({
    method: 'GET',
    url: `${base}/customers/export.csv${query}`,
    headers: token ? { authorization: `Bearer ${token}` } : api.headers,
  })
  return { status: res.statusCode, text: res.body, type: res.headers['content-type'] }
}

describeEachDatabase('imports and exports respect the viewer’s access', (ctx) => {
  const api = useApi(ctx)
  let storeA: string
  let storeB: string
  let clerk: string
  let viewer: string

  beforeAll(async () => {
    await api.call('POST', '/api/apps', appWithRoles())
    expect((await api.call('POST', '/api/apps/shop/publish', {})).status).toBe(200)
    storeA = (await api.call('POST', `${base}/stores/records`, { values: { name: 'A' } })).body.id
    storeB = (await api.call('POST', `${base}/stores/records`, { values: { name: 'B' } })).body.id
    await api.call('POST', `${base}/customers/records`, {
      values: { name: '本店客户', phone: '13800138000', store: storeA, note: '只给店长看', tier: 'vip' },
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

  it('a clerk imports into their store only: rows outside the scope are rejected with the reason', async () => {
    const file = [
      '姓名,手机,门店',
      `新客,13700137000,${storeA}`,
      `冒名,13900139000,${storeA}`,
      `外店新客,13600136000,${storeB}`,
      `本店改名,13800138000,${storeA}`,
    ].join('\n')
    const up = await upload(api, 'customers', Buffer.from(file), clerk)
    expect(up.status, JSON.stringify(up.body)).toBe(201)
    const res = await api.callAs(clerk, 'POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: up.body.mapping,
      keys: ['phone'],
      policy: { name: 'overwrite' },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 0, rejected: 2 })
    expect(res.body.rejections.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [3, 'import.out_of_scope'],
      [4, 'import.out_of_scope'],
    ])
    // The other store's customer is untouched.
    const theirs = await api.call(
      'GET',
      `${base}/customers/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'phone' }, '+8613900139000'] }))}`,
    )
    expect(theirs.body.records[0]).toMatchObject({ name: '别店客户', store: storeB })
  })

  it('a clerk may not map a hidden field, and a role without import may not upload', async () => {
    const up = await upload(api, 'customers', Buffer.from(`姓名,备注,门店\n某,x,${storeA}\n`), clerk)
    const res = await api.callAs(clerk, 'POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name', 1: 'note', 2: 'store' },
    })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ code: 'FIELD_READ_ONLY', path: 'mapping.note' })
    const denied = await upload(api, 'customers', Buffer.from('姓名\n某\n'), viewer)
    expect(denied.status).toBe(403)
    // Another user cannot run or read someone else's upload.
    const foreign = await api.callAs(viewer, 'POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name' },
    })
    expect(foreign.status).toBe(404)
  })

  it('exports CSV with a BOM, formula cells neutralized, filtered', async () => {
    const all = await exportCsv(api)
    expect(all.status).toBe(200)
    expect(all.type).toContain('text/csv')
    expect(all.text.startsWith('\uFEFFid,编号,姓名,手机,')).toBe(true)
    // Phones start with +: quoted too, which also keeps Excel from reading them as 8.6E+12.
    expect(all.text).toContain(`,'=1+1,'+8613300133000,`)
    expect(all.text).toContain(`'@SUM(A1)`)
    expect(all.text).not.toMatch(/,=1\+1,/)
    const lines = all.text.trim().split('\r\n')
    expect(lines).toHaveLength(1 + 4)

    const vip = await exportCsv(
      api,
      undefined,
      `?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'tier' }, 'vip'] }))}&locale=en`,
    )
    const vipLines = vip.text.trim().split('\r\n')
    expect(vip.text.startsWith('\uFEFFid,Code,Name,Phone,')).toBe(true)
    expect(vipLines).toHaveLength(2)
    expect(vipLines[1]).toContain('本店改名')
  })

  it('a clerk exports only their store’s rows, without hidden fields and with masked phones', async () => {
    const mine = await exportCsv(api, clerk)
    expect(mine.status).toBe(200)
    const lines = mine.text.trim().split('\r\n')
    expect(lines[0]).not.toContain('备注')
    expect(lines).toHaveLength(1 + 3) // 本店改名, =1+1, 新客
    expect(mine.text).not.toContain('别店客户')
    expect(mine.text).not.toContain('13800138000')
    expect(mine.text).toContain('138****8000')
    expect(mine.text).not.toContain('只给店长看')
    const denied = await exportCsv(api, viewer)
    expect(denied.status).toBe(403)
  })

  it('a bad filter is a 400, not a broken download', async () => {
    const bad = await exportCsv(api, undefined, '?filter=%7Bnot-json')
    expect(bad.status).toBe(400)
    const unknown = await exportCsv(
      api,
      undefined,
      `?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'nope' }, 1] }))}`,
    )
    expect(unknown.status).toBe(400)
  })
})
