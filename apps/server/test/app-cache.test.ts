import type { AppDefinition } from '@trellis/form-engine'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { tokenScopes } from '../src/auth/user-service.js'
import { describeEachDatabase } from './support/databases.js'
import { tmpDataDir } from './support/tmp.js'

const notes = (fields: AppDefinition['forms'][number]['fields']): AppDefinition => ({
  key: 'notes',
  name: { 'zh-CN': '笔记', en: 'Notes' },
  forms: [{ key: 'notes', label: { 'zh-CN': '笔记', en: 'Notes' }, fields }],
})
const title = { key: 'title', type: 'text', label: { en: 'Title' } } as const
const body = { key: 'body', type: 'text', label: { en: 'Body' } } as const

// Two server processes over one database: one publishes, the other must not write with a stale definition.
describeEachDatabase('published definitions cached across processes', (ctx) => {
  let one: FastifyInstance
  let two: FastifyInstance
  let token = ''
  const call = (app: FastifyInstance, method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    })

  beforeAll(async () => {
    const config = { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir: tmpDataDir() }
    one = await buildApp({ config, database: ctx.database })
    two = await buildApp({ config, database: ctx.database })
    const admin = await one.trellis.users.create({
      username: 'admin',
      password: 'admin-password',
      isAdmin: true,
    })
    token = (await one.trellis.users.createToken(admin.id, { name: 't', scopes: [...tokenScopes] })).token
  })
  afterAll(async () => {
    await one.close()
    await two.close()
  })

  it('a write that meets a table changed by another process is refused with APP_CHANGED, and the retry uses the new version', async () => {
    await call(one, 'POST', '/api/apps', notes([title, body]))
    await call(one, 'POST', '/api/apps/notes/publish', {})
    // Process two reads (and caches) version 1.
    expect(
      (await call(two, 'POST', '/api/apps/notes/forms/notes/records', { values: { title: 'a', body: 'x' } }))
        .statusCode,
    ).toBe(201)
    // Process one removes `body` (archived: its column is renamed).
    await call(one, 'PUT', '/api/apps/notes/draft', notes([title]))
    const plan = (await call(one, 'GET', '/api/apps/notes/plan')).json().steps as Array<{
      id: string
      lossy: boolean
    }>
    const published = await call(one, 'POST', '/api/apps/notes/publish', {
      confirm: plan.filter((s) => s.lossy).map((s) => s.id),
    })
    expect(published.statusCode).toBe(200)
    // Two still holds version 1 in its cache: the write reaches a column that no longer exists.
    const stale = await call(two, 'POST', '/api/apps/notes/forms/notes/records', {
      values: { title: 'b', body: 'y' },
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().code).toBe('APP_CHANGED')
    // The retry is judged by version 2: `body` is no longer a field.
    const retry = await call(two, 'POST', '/api/apps/notes/forms/notes/records', {
      values: { title: 'b', body: 'y' },
    })
    expect(retry.json()).toMatchObject({ code: 'VALIDATION_FAILED', path: 'body' })
    expect(
      (await call(two, 'POST', '/api/apps/notes/forms/notes/records', { values: { title: 'b' } })).statusCode,
    ).toBe(201)
  })
})
