import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const views = '/api/apps/crm/forms/customers/views'

/** Saved table views: private to their owner unless shared with a role; only the owner changes one. */
describeEachDatabase('saved record views', (ctx) => {
  const api = useApi(ctx)
  let clerkA: { id: string; token: string }
  let clerkB: { id: string; token: string }
  let manager: { id: string; token: string }

  beforeAll(async () => {
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).status).toBe(201)
    clerkA = await api.user({ username: 'clerk_a' })
    clerkB = await api.user({ username: 'clerk_b' })
    manager = await api.user({ username: 'manager' })
    for (const [user, role] of [
      [clerkA, 'clerk'],
      [clerkB, 'clerk'],
      [manager, 'store_manager'],
    ] as const)
      expect((await api.call('PUT', `/api/apps/crm/members/${user.id}`, { role })).status).toBe(204)
  })

  it('keeps a private view to its owner and shows a shared one to the whole role', async () => {
    const spec = { columns: ['name', 'tier'], sort: '-total_spent' }
    const mine = await api.callAs(clerkA.token, 'POST', views, { name: '我的', spec })
    expect(mine.status, JSON.stringify(mine.body)).toBe(201)
    const shared = await api.callAs(clerkA.token, 'POST', views, {
      name: '店员共享',
      spec,
      sharedRole: 'clerk',
    })
    expect(shared.status).toBe(201)
    const names = async (token: string) =>
      ((await api.callAs(token, 'GET', views)).body.views as Array<{ name: string }>).map((v) => v.name)
    expect(await names(clerkA.token)).toEqual(['店员共享', '我的'])
    expect(await names(clerkB.token)).toEqual(['店员共享'])
    expect(await names(manager.token)).toEqual([])
    const seen = (await api.callAs(clerkB.token, 'GET', views)).body.views[0]
    expect(seen).toMatchObject({ mine: false, owner: 'clerk_a', sharedRole: 'clerk', spec })
  })

  it('refuses sharing with another role, and changes by anyone but the owner', async () => {
    const other = await api.callAs(clerkA.token, 'POST', views, {
      name: 'x',
      spec: {},
      sharedRole: 'store_manager',
    })
    expect(other.status).toBe(403)
    const own = await api.callAs(clerkA.token, 'POST', views, { name: 'y', spec: {}, sharedRole: 'clerk' })
    const id = own.body.id as string
    expect((await api.callAs(clerkB.token, 'DELETE', `${views}/${id}`)).status).toBe(404)
    const renamed = await api.callAs(clerkA.token, 'PUT', `${views}/${id}`, { name: 'z', spec: { a: 1 } })
    expect(renamed.body).toMatchObject({ name: 'z', sharedRole: null, version: 2 })
    expect((await api.callAs(clerkA.token, 'DELETE', `${views}/${id}`)).status).toBe(204)
  })

  it('refuses views of a form the member may not read', async () => {
    const res = await api.callAs(clerkA.token, 'GET', '/api/apps/crm/forms/surveys/views')
    expect(res.status).toBe(403)
  })
})
