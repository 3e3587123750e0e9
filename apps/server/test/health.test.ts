import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { describeEachDatabase } from './support/databases.js'
import { tmpDataDir } from './support/tmp.js'

describeEachDatabase('server skeleton', (ctx) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildApp({
      config: { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir: tmpDataDir() },
      database: ctx.database,
    })
  })
  afterAll(async () => {
    await app.close()
  })

  it('reports health and which database it runs on', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', database: ctx.kind })
  })

  it('serves the OpenAPI document and its UI at /docs', async () => {
    const json = await app.inject({ method: 'GET', url: '/docs/json' })
    expect(json.statusCode).toBe(200)
    expect(json.json().paths).toHaveProperty('/api/health')
    const ui = await app.inject({ method: 'GET', url: '/docs/' })
    expect(ui.statusCode).toBe(200)
    expect(ui.headers['content-type']).toContain('text/html')
  })

  it('answers unknown routes with the uniform error body', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nope' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('serves a placeholder page when the designer is not built', async () => {
    const res = await app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('Trellis')
  })

  it('the platform tables exist after migration', async () => {
    const rows = await ctx.database.db.selectFrom('trellis.apps').selectAll().execute()
    expect(rows).toEqual([])
  })
})
