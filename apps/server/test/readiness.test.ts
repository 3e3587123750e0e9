import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/database.js'
import { describeEachDatabase, testDatabases } from './support/databases.js'
import { tmpDataDir } from './support/tmp.js'

const config = () => ({ designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir: tmpDataDir() })

describeEachDatabase('readiness', (ctx) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildApp({ config: config(), database: ctx.database })
  })
  afterAll(() => app.close())

  it('is ready when the database answers and every migration is applied', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health/ready' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', database: ctx.kind, pendingMigrations: [] })
  })

  it('is not ready while a migration this build carries is not applied', async () => {
    const db = ctx.database.db
    const { rows } = await sql<{ name: string; timestamp: string }>`
      select name, timestamp from trellis_migrations where name = '0008-flows'`.execute(db)
    await sql`delete from trellis_migrations where name = '0008-flows'`.execute(db)
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health/ready' })
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({
        status: 'unavailable',
        pendingMigrations: ['0008-flows'],
        reason: 'migrations pending',
      })
      // Liveness is not readiness: the process itself is fine.
      expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200)
    } finally {
      await sql`insert into trellis_migrations (name, timestamp) values (${rows[0]!.name}, ${rows[0]!.timestamp})`.execute(
        db,
      )
    }
    expect((await app.inject({ method: 'GET', url: '/api/health/ready' })).statusCode).toBe(200)
  })

  it('is not ready while a first start installs its template, and ready once it ends, even by failing', async () => {
    const ready = async () => app.inject({ method: 'GET', url: '/api/health/ready' })
    let finish!: () => void
    const install = app.startup.during(
      'first start: installing the CRM template',
      () => new Promise<void>((resolve) => (finish = resolve)),
    )
    const held = await ready()
    expect(held.statusCode).toBe(503)
    expect(held.json()).toMatchObject({
      status: 'unavailable',
      reason: 'first start: installing the CRM template',
    })
    finish()
    await install
    expect((await ready()).statusCode).toBe(200)
    await expect(
      app.startup.during('first start: installing the CRM template', async () => {
        throw new Error('install failed')
      }),
    ).rejects.toThrow('install failed')
    expect((await ready()).statusCode).toBe(200)
  })
})

describe('readiness without a database', () => {
  it('answers 503 when PostgreSQL cannot be reached', async () => {
    // Nothing listens on port 1: every connection is refused.
    const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' })
    const app = await buildApp({ config: config(), database })
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health/ready' })
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({ status: 'unavailable', database: 'postgresql' })
      expect(res.json().reason).toMatch(/^database unreachable/)
    } finally {
      await app.close()
      await database.close()
    }
  })
})

describeEachDatabase('backpressure', (ctx) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildApp({ config: config(), database: ctx.database, maxEventLoopDelayMs: 1 })
  })
  afterAll(() => app.close())

  it('answers 503 with Retry-After while the event loop lags, but still answers liveness', async () => {
    // Hold the event loop for a second, as an overloaded process would; the load sampler runs first
    // when it is released, then these requests arrive.
    const end = Date.now() + 1000
    while (Date.now() < end) {
      // busy
    }
    await new Promise((resolve) => setTimeout(resolve, 0))
    const [busy, live, ready] = await Promise.all([
      app.inject({ method: 'GET', url: '/api/apps' }),
      app.inject({ method: 'GET', url: '/api/health' }),
      app.inject({ method: 'GET', url: '/api/health/ready' }),
    ])
    expect(busy.statusCode).toBe(503)
    expect(busy.headers['retry-after']).toBe('5')
    expect(busy.json()).toMatchObject({ code: 'SERVER_BUSY' })
    expect(live.statusCode).toBe(200)
    // Readiness says busy too (so a load balancer sends nothing for a while), in the error body.
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toMatchObject({ code: 'SERVER_BUSY' })
  })
})

describe.skipIf(!testDatabases().includes('postgresql'))('statement timeout (PostgreSQL)', () => {
  it('cancels a statement that runs longer than the configured limit', async () => {
    const url = process.env.TRELLIS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
    const database = await openDatabase({ url, statementTimeoutMs: 200 })
    try {
      await expect(sql`select pg_sleep(2)`.execute(database.db)).rejects.toThrow(/statement timeout/)
      // The connection is still usable afterwards.
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db)
      expect(rows).toEqual([{ one: 1 }])
    } finally {
      await database.close()
    }
  })
})
