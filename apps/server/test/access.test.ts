import type { AppDefinition } from '@trellis/form-engine'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const byStore = { '==': [{ var: 'store' }, { var: '$user.store' }] }

function appWithRoles(): AppDefinition {
  const app = shopApp()
  app.roles = [
    {
      key: 'clerk',
      label: { 'zh-CN': '店员', en: 'Clerk' },
      forms: {
        stores: { actions: ['read'], scope: { '==': [{ var: 'id' }, { var: '$user.store' }] } },
        customers: {
          actions: ['read', 'create', 'update'],
          scope: byStore,
          hidden: ['note'],
          readOnly: ['tier'],
          masked: ['phone'],
        },
        orders: { actions: ['read'] },
      },
    },
    {
      key: 'regional',
      label: { 'zh-CN': '区域经理', en: 'Regional manager' },
      forms: { customers: { actions: ['read'], scope: { in: [{ var: 'store' }, { var: '$user.stores' }] } } },
    },
  ]
  return app
}

const base = '/api/apps/shop/forms'
const q = (logic: unknown) => encodeURIComponent(JSON.stringify(logic))

describeEachDatabase('access control: a clerk plays the attacker', (ctx) => {
  const api = useApi(ctx)
  let storeA: string
  let storeB: string
  let mine: string
  let theirs: string
  let theirOrder: string
  let clerk: string
  let reader: string

  beforeAll(async () => {
    await api.call('POST', '/api/apps', appWithRoles())
    const published = await api.call('POST', '/api/apps/shop/publish', {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    storeA = (await api.call('POST', `${base}/stores/records`, { values: { name: 'A' } })).body.id
    storeB = (await api.call('POST', `${base}/stores/records`, { values: { name: 'B' } })).body.id
    mine = (
      await api.call('POST', `${base}/customers/records`, {
        values: { name: '本店客户', phone: '13800138000', store: storeA, note: '只给店长看', tier: 'vip' },
      })
    ).body.id
    theirs = (
      await api.call('POST', `${base}/customers/records`, {
        values: { name: '别店客户', phone: '13900139000', store: storeB, note: 'secret' },
      })
    ).body.id
    theirOrder = (
      await api.call('POST', `${base}/orders/records`, {
        values: { customer: theirs, amount: '10', status: 'paid' },
      })
    ).body.id
    const c = await api.user({ username: 'clerk', attributes: { store: storeA } })
    await api.call('PUT', `/api/apps/shop/members/${c.id}`, { role: 'clerk' })
    clerk = c.token
    const r = await api.user({
      username: 'clerk_reader',
      attributes: { store: storeA },
      scopes: ['records:read'],
    })
    await api.call('PUT', `/api/apps/shop/members/${r.id}`, { role: 'clerk' })
    reader = r.token
  })

  const asClerk = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    api.callAs(clerk, method, url, body)

  describe('reading', () => {
    it('lists only the own store, with the phone masked and the hidden field absent', async () => {
      const res = await asClerk('GET', `${base}/customers/records?count=true`)
      expect(res.status).toBe(200)
      expect(res.body.count).toBe(1)
      expect(res.body.records).toHaveLength(1)
      expect(res.body.records[0]).toMatchObject({
        id: mine,
        name: '本店客户',
        phone: '138****8000',
        tier: 'vip',
      })
      expect(res.body.records[0]).not.toHaveProperty('note')
    })

    it("answers 404 for another store's customer by id, exactly as for a missing one", async () => {
      const other = await asClerk('GET', `${base}/customers/records/${theirs}`)
      const missing = await asClerk('GET', `${base}/customers/records/999999`)
      expect(other.status).toBe(404)
      expect(other.body).toEqual({ ...missing.body, message: other.body.message })
      expect(other.body.code).toBe('RECORD_NOT_FOUND')
    })

    it('cannot widen the scope with an `or` in the filter', async () => {
      const res = await asClerk(
        'GET',
        `${base}/customers/records?filter=${q({ or: [true, { '==': [{ var: 'store' }, storeB] }] })}`,
      )
      expect(res.body.records.map((r: { id: string }) => r.id)).toEqual([mine])
    })

    it('cannot filter, sort or select a hidden or masked field to infer it', async () => {
      const hidden = await asClerk(
        'GET',
        `${base}/customers/records?filter=${q({ '==': [{ var: 'note' }, 'secret'] })}`,
      )
      expect(hidden.status).toBe(400)
      expect(hidden.body.code).toBe('FILTER_INVALID')
      const masked = await asClerk(
        'GET',
        `${base}/customers/records?filter=${q({ starts_with: [{ var: 'phone' }, '+86138'] })}`,
      )
      expect(masked.status).toBe(400)
      expect((await asClerk('GET', `${base}/customers/records?sort=note`)).body).toMatchObject({
        code: 'SORT_INVALID',
      })
      expect((await asClerk('GET', `${base}/customers/records?sort=-phone`)).body).toMatchObject({
        code: 'SORT_INVALID',
      })
      expect((await asClerk('GET', `${base}/customers/records?fields=name,note`)).body).toMatchObject({
        code: 'FIELD_UNKNOWN',
        path: 'fields.1',
      })
    })

    it('embeds a related record from another store as null and refuses to list its children', async () => {
      const order = await asClerk('GET', `${base}/orders/records/${theirOrder}?expand=customer`)
      expect(order.status).toBe(200)
      expect(order.body.expand).toEqual({ customer: null })
      const related = await asClerk('GET', `${base}/customers/records/${theirs}/related/orders/customer`)
      expect(related.status).toBe(404)
    })

    it('treats SQL in filter values as data', async () => {
      const res = await asClerk(
        'GET',
        `${base}/customers/records?filter=${q({ '==': [{ var: 'name' }, "x' or '1'='1"] })}`,
      )
      expect(res.status).toBe(200)
      expect(res.body.records).toEqual([])
      const badKey = await asClerk(
        'GET',
        `${base}/customers/records?filter=${q({ '==': [{ var: 'name"; drop table x; --' }, 1] })}`,
      )
      expect(badKey.status).toBe(400)
      expect((await asClerk('GET', `${base}/customers/records?sort=name;drop`)).status).toBe(400)
    })
  })

  describe('writing', () => {
    it('cannot create a customer for another store, but can for the own one', async () => {
      const other = await asClerk('POST', `${base}/customers/records`, {
        values: { name: '越界', store: storeB },
      })
      expect(other.status).toBe(403)
      expect(other.body.code).toBe('OUT_OF_SCOPE')
      const own = await asClerk('POST', `${base}/customers/records`, {
        values: { name: '新客', store: storeA, phone: '13700137000' },
      })
      expect(own.status).toBe(201)
      expect(own.body).toMatchObject({ phone: '137****7000', created_by: 'clerk' })
    })

    it('cannot mass-assign system, read-only or hidden fields', async () => {
      for (const [values, code, path] of [
        [{ name: 'x', store: storeA, id: '1' }, 'VALIDATION_FAILED', 'id'],
        [{ name: 'x', store: storeA, created_by: 'admin' }, 'VALIDATION_FAILED', 'created_by'],
        [{ name: 'x', store: storeA, version: 9 }, 'VALIDATION_FAILED', 'version'],
        [{ name: 'x', store: storeA, tier: 'vip' }, 'FIELD_READ_ONLY', 'tier'],
        [{ name: 'x', store: storeA, note: 'x' }, 'FIELD_READ_ONLY', 'note'],
      ] as const) {
        const res = await asClerk('POST', `${base}/customers/records`, { values })
        expect(res.body, JSON.stringify(values)).toMatchObject({ code, path })
      }
    })

    it("cannot move a customer to another store or touch another store's customer", async () => {
      const move = await asClerk('PATCH', `${base}/customers/records/${mine}`, {
        version: 1,
        values: { store: storeB },
      })
      expect(move.status).toBe(403)
      expect(move.body.code).toBe('OUT_OF_SCOPE')
      const foreign = await asClerk('PATCH', `${base}/customers/records/${theirs}`, {
        version: 1,
        values: { name: 'hacked' },
      })
      expect(foreign.status).toBe(404)
      const bulk = await asClerk('PATCH', `${base}/customers/records/bulk`, {
        records: [
          { id: mine, version: 1, values: { name: '改名' } },
          { id: theirs, version: 1, values: { name: 'hacked' } },
        ],
      })
      expect(bulk.status).toBe(404)
      expect((await api.call('GET', `${base}/customers/records/${mine}`)).body.name).toBe('本店客户')
      expect((await api.call('GET', `${base}/customers/records/${theirs}`)).body.name).toBe('别店客户')
    })

    it('may not delete without the delete action, nor write a read-only form', async () => {
      expect((await asClerk('DELETE', `${base}/customers/records/${mine}`)).body.code).toBe('FORBIDDEN')
      expect(
        (await asClerk('POST', `${base}/orders/records`, { values: { customer: mine, amount: '1' } })).body
          .code,
      ).toBe('FORBIDDEN')
      expect(
        (await asClerk('GET', `${base}/stores/records`)).body.records.map((r: { id: string }) => r.id),
      ).toEqual([storeA])
    })

    it('a read-only token cannot write even what its user may', async () => {
      const res = await api.callAs(reader, 'POST', `${base}/customers/records`, {
        values: { name: 'x', store: storeA },
      })
      expect(res.body.code).toBe('TOKEN_SCOPE')
    })
  })

  describe('membership and scope edge cases', () => {
    it('refuses a user who is not a member of the app', async () => {
      const outsider = await api.user({ username: 'outsider' })
      const res = await api.callAs(outsider.token, 'GET', `${base}/customers/records`)
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('APP_FORBIDDEN')
      expect((await api.callAs(outsider.token, 'GET', '/api/apps')).body).toEqual([])
    })

    it('an empty or missing list in an `in` scope matches nothing', async () => {
      for (const [name, attributes] of [
        ['regional_empty', { stores: [] }],
        ['regional_missing', {}],
      ] as const) {
        const user = await api.user({ username: name, attributes })
        await api.call('PUT', `/api/apps/shop/members/${user.id}`, { role: 'regional' })
        const res = await api.callAs(user.token, 'GET', `${base}/customers/records?count=true`)
        expect(res.status).toBe(200)
        expect(res.body.count).toBe(0)
      }
      const both = await api.user({ username: 'regional_both', attributes: { stores: [storeA, storeB] } })
      await api.call('PUT', `/api/apps/shop/members/${both.id}`, { role: 'regional' })
      expect(
        (await api.callAs(both.token, 'GET', `${base}/customers/records?count=true`)).body.count,
      ).toBeGreaterThanOrEqual(2)
    })

    it("a disabled member's token stops working at once", async () => {
      const temp = await api.user({ username: 'temp_clerk', attributes: { store: storeA } })
      await api.call('PUT', `/api/apps/shop/members/${temp.id}`, { role: 'clerk' })
      expect((await api.callAs(temp.token, 'GET', `${base}/customers/records`)).status).toBe(200)
      await api.call('PATCH', `/api/users/${temp.id}`, { disabled: true })
      expect((await api.callAs(temp.token, 'GET', `${base}/customers/records`)).status).toBe(401)
    })

    it('rejects a role that names an unknown field or form when the app is published', async () => {
      const broken = appWithRoles()
      broken.roles![0]!.forms.customers!.hidden = ['nickname']
      broken.roles![0]!.forms.ghosts = { actions: ['read'] }
      const issues = (await api.call('PUT', '/api/apps/shop/draft', broken)).body.issues.map(
        (i: { path: string }) => i.path,
      )
      expect(issues).toEqual(
        expect.arrayContaining(['roles.0.forms.customers.hidden.0', 'roles.0.forms.ghosts']),
      )
      await api.call('PUT', '/api/apps/shop/draft', appWithRoles())
    })
  })
})
