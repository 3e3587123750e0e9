import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { uploadCsv } from './support/import-upload.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

describeEachDatabase('Idempotency-Key on creates and import runs', (ctx) => {
  const api = useApi(ctx)
  const post = async (url: string, body: unknown, key?: string, token = api.headers.authorization) => {
    const res = await api.app.inject({
      method: 'POST',
      url,
      payload: body as object,
      headers: { authorization: token!, ...(key ? { 'idempotency-key': key } : {}) },
    })
    return {
      status: res.statusCode,
      body: JSON.parse(res.body),
      replayed: res.headers['idempotent-replayed'],
    }
  }
  const count = async () => (await api.call('GET', `${base}/customers/records/count`)).body.count as number

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
  })

  it('a create retried with the same key returns the first record instead of creating another', async () => {
    const before = await count()
    const body = { values: { name: '重试', phone: '13811112222' } }
    const first = await post(`${base}/customers/records`, body, 'create-1')
    expect(first.status).toBe(201)
    const again = await post(`${base}/customers/records`, body, 'create-1')
    expect(again).toMatchObject({ status: 201, replayed: 'true' })
    expect(again.body.id).toBe(first.body.id)
    expect(await count()).toBe(before + 1)
    // Without a key, the same body is a second request (the unique phone refuses it).
    expect((await post(`${base}/customers/records`, body)).status).toBe(409)
  })

  it('the same key on a different request is refused; keys are per user; a rejected create replays its error', async () => {
    const other = await post(
      `${base}/customers/records`,
      { values: { name: '别的', phone: '13811113333' } },
      'create-1',
    )
    expect(other).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } })
    const clerk = await api.user({ username: 'idem_clerk', isAdmin: true })
    const mine = await post(
      `${base}/customers/records`,
      { values: { name: '店员', phone: '13811114444' } },
      'create-1',
      `Bearer ${clerk.token}`,
    )
    expect(mine.status).toBe(201)
    const invalid = { values: { name: '坏号', phone: 'not a phone' } }
    const bad = await post(`${base}/customers/records`, invalid, 'bad-1')
    expect(bad.status).toBe(400)
    expect(await post(`${base}/customers/records`, invalid, 'bad-1')).toMatchObject({
      status: 400,
      replayed: 'true',
      body: bad.body,
    })
    const long = await post(`${base}/customers/records`, { values: { name: '长键' } }, 'x'.repeat(300))
    expect(long).toMatchObject({ status: 400, body: { code: 'IDEMPOTENCY_KEY_INVALID' } })
  })

  it('bulk creates replay too', async () => {
    const before = await count()
    const body = {
      records: [{ values: { name: '批一', phone: '13811115555' } }, { values: { name: '批二' } }],
    }
    const first = await post(`${base}/customers/records/bulk`, body, 'bulk-1')
    expect(first.status).toBe(201)
    expect(await post(`${base}/customers/records/bulk`, body, 'bulk-1')).toMatchObject({
      status: 201,
      replayed: 'true',
    })
    expect(await count()).toBe(before + 2)
  })

  it('an import run retried with the same key replays its result and imports nothing twice', async () => {
    const before = await count()
    // No business key: a second run would insert every row again.
    const up = await uploadCsv(api, 'customers', '姓名\n导入甲\n导入乙\n导入丙\n')
    const url = `${base}/customers/imports/${up.id}/run`
    const first = await post(url, { mapping: up.mapping }, 'import-1')
    expect(first).toMatchObject({ status: 200, body: { inserted: 3 } })
    const again = await post(url, { mapping: up.mapping }, 'import-1')
    expect(again).toMatchObject({ status: 200, replayed: 'true', body: first.body })
    expect(await count()).toBe(before + 3)
  })
})
