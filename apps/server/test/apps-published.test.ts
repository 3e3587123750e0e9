import type { AppDefinition } from '@trellis/form-engine'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

function appWithClerk(): AppDefinition {
  const app = shopApp()
  app.roles = [
    {
      key: 'clerk',
      label: { 'zh-CN': '店员', en: 'Clerk' },
      forms: {
        customers: {
          actions: ['read', 'create'],
          scope: { '==': [{ var: 'store' }, { var: '$user.store' }] },
          hidden: ['note'],
          readOnly: ['tier'],
          masked: ['phone'],
        },
      },
    },
  ]
  return app
}

describeEachDatabase('GET /api/apps/:app/published: the workspace sees what the viewer may', (ctx) => {
  const api = useApi(ctx)
  let clerk: string
  let stranger: string

  beforeAll(async () => {
    await api.call('POST', '/api/apps', appWithClerk())
    expect((await api.call('POST', '/api/apps/shop/publish', {})).status).toBe(200)
    const c = await api.user({ username: 'pub_clerk', attributes: { store: 's1' } })
    await api.call('PUT', `/api/apps/shop/members/${c.id}`, { role: 'clerk' })
    clerk = c.token
    stranger = (await api.user({ username: 'pub_stranger' })).token
  })

  it('gives a clerk only the forms and fields their role allows, with what they may do', async () => {
    const res = await api.callAs(clerk, 'GET', '/api/apps/shop/published')
    expect(res.status).toBe(200)
    expect(res.body.role).toBe('clerk')
    expect(res.body.isAdmin).toBe(false)
    const forms = res.body.definition.forms as Array<{
      key: string
      fields: { key: string }[]
      access: unknown
    }>
    expect(forms.map((form) => form.key)).toEqual(['customers'])
    const keys = forms[0]!.fields.map((field) => field.key)
    expect(keys).toContain('phone')
    expect(keys).not.toContain('note')
    expect(forms[0]!.access).toEqual({ actions: ['read', 'create'], readOnly: ['tier'], masked: ['phone'] })
    // The role definitions (other roles' scopes) are for administrators only.
    expect(res.body.definition.roles).toBeUndefined()
  })

  it('gives an administrator every form with full access, roles included', async () => {
    const res = await api.call('GET', '/api/apps/shop/published')
    expect(res.status).toBe(200)
    expect(res.body.role).toBeNull()
    const forms = res.body.definition.forms as Array<{ key: string; access: { actions: string[] } }>
    expect(forms.map((form) => form.key)).toEqual(['stores', 'customers', 'orders'])
    expect(forms[1]!.access.actions).toContain('delete')
    expect(res.body.definition.roles).toHaveLength(1)
  })

  it('refuses a user who is not a member, and says when an app has no published version', async () => {
    expect((await api.callAs(stranger, 'GET', '/api/apps/shop/published')).status).toBe(403)
    await api.call('POST', '/api/apps', shopApp('draft_only'))
    const res = await api.call('GET', '/api/apps/draft_only/published')
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('APP_NOT_PUBLISHED')
  })
})
