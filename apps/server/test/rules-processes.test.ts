import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppService } from '../src/apps/app-service.js'
import { Automation } from '../src/automation/automation.js'
import type { Database } from '../src/db/database.js'
import { retentionApp } from './rules-fixtures.js'
import { createTestDatabase, testDatabases } from './support/databases.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const jobs = 10_000

/**
 * A worker in its own OS process over the same PostgreSQL database: it drains until no job is pending or
 * running (so it also picks up claims whose lease lapsed), with a short lease.
 */
function workerProcess(url: string): ChildProcess {
  const automation = path.join(here, '../src/automation/automation.ts')
  const apps = path.join(here, '../src/apps/app-service.ts')
  const database = path.join(here, '../src/db/database.ts')
  const code = `
    (async () => {
      const { openDatabase } = await import(${JSON.stringify(database)})
      const { AppService } = await import(${JSON.stringify(apps)})
      const { Automation } = await import(${JSON.stringify(automation)})
      const { sql } = await import('kysely')
      const db = await openDatabase({ url: ${JSON.stringify(url)}, poolSize: 6 })
      const automation = new Automation(db.db, new AppService(db.db), { worker: { leaseMs: 1500, batch: 50, concurrency: 4 } })
      const worker = automation.createWorker()
      for (;;) {
        await worker.drain()
        const { rows } = await sql\`select count(*)::int as n from trellis.jobs where state in ('pending', 'running')\`.execute(db.db)
        if (rows[0].n === 0) break
        await new Promise((r) => setTimeout(r, 200))
      }
      await db.close()
    })().then(() => process.exit(0), (e) => { console.error(e); process.exit(1) })`
  return spawn(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: path.join(here, '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code)),
  )

// Separate processes need a shared server, so these proofs run on PostgreSQL only.
const describePg = testDatabases().includes('postgresql') ? describe : describe.skip

describePg('postgresql: rules across processes', () => {
  let database: Database
  let automation: Automation
  let url: string

  beforeAll(async () => {
    database = await createTestDatabase('postgresql')
    const apps = new AppService(database.db)
    automation = new Automation(database.db as never, apps)
    const rule = {
      key: 'stamp',
      trigger: { kind: 'manual', form: 'customers' },
      actions: [
        { type: 'set_fields', values: { points: { '+': [{ var: 'points' }, 1] } } },
        { type: 'notify', channel: 'in_app', to: { var: 'id' }, body: { 'zh-CN': '盖章' } },
      ],
    }
    await apps.create(retentionApp('proc', [rule]))
    await apps.publish('proc', [], null)
    await sql`insert into app_proc.customers (name, points) select 'c' || g, 0 from generate_series(1, ${jobs * 2}) g`.execute(
      database.db,
    )
    const { rows } = await sql<{ url: string }>`select current_database() as url`.execute(database.db)
    const u = new URL(process.env.TRELLIS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    u.pathname = `/${rows[0]!.url}`
    url = u.toString()
  })
  afterAll(async () => {
    await database?.close()
  })

  const enqueue = async (from: number) => {
    const ids = await sql<{
      id: string
    }>`select id::text from app_proc.customers order by id offset ${from} limit ${jobs}`.execute(database.db)
    const now = new Date()
    const n = await automation.jobs.enqueue(
      database.db as never,
      ids.rows.map((r) => ({ app: 'proc', rule: 'stamp', recordId: r.id, occurrence: 'proof', dueAt: now })),
      now,
    )
    expect(n).toBe(jobs)
    return ids.rows.map((r) => r.id)
  }

  const sideEffects = async (ids: string[]) => {
    const { rows } = await sql<{
      points: number
      n: string
    }>`select points, count(*)::text as n from app_proc.customers
      where id = any(${ids}::bigint[]) group by points`.execute(database.db)
    const messages = await sql<{
      n: string
      d: string
    }>`select count(*)::text as n, count(distinct record_id)::text as d
      from trellis.messages where record_id = any(${ids}::text[])`.execute(database.db)
    return { points: rows, messages: messages.rows[0] }
  }

  it(`two server processes on one database run ${jobs} due jobs: none twice, none lost`, async () => {
    const ids = await enqueue(0)
    const codes = await Promise.all([exited(workerProcess(url)), exited(workerProcess(url))])
    expect(codes).toEqual([0, 0])
    expect(await sideEffects(ids)).toEqual({
      points: [{ points: 1, n: String(jobs) }],
      messages: { n: String(jobs), d: String(jobs) },
    })
  }, 300_000)

  it(`kill -9 of a worker process while ${jobs} jobs are due: after a restart each ran exactly once`, async () => {
    const ids = await enqueue(jobs)
    const victim = workerProcess(url)
    // Let it get going, then kill it without any chance to clean up.
    for (;;) {
      const { rows } = await sql<{
        n: string
      }>`select count(*)::text as n from trellis.messages where record_id = any(${ids}::text[])`.execute(
        database.db,
      )
      if (Number(rows[0]!.n) > jobs / 10) break
      await new Promise((r) => setTimeout(r, 100))
    }
    victim.kill('SIGKILL')
    await exited(victim)
    const { rows } = await sql<{
      n: string
    }>`select count(*)::text as n from trellis.jobs where occurrence = 'proof' and state <> 'done'
      and record_id = any(${ids}::text[])`.execute(database.db)
    expect(Number(rows[0]!.n)).toBeGreaterThan(0)
    expect(await exited(workerProcess(url))).toBe(0)
    expect(await sideEffects(ids)).toEqual({
      points: [{ points: 1, n: String(jobs) }],
      messages: { n: String(jobs), d: String(jobs) },
    })
  }, 300_000)
})
