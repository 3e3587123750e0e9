import { sql } from 'kysely'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Automation } from '../src/automation/automation.js'
import { ManualClock } from '../src/automation/clock.js'
import { FencedError } from '../src/automation/job-store.js'
import { CatalogSnapshot } from '../src/automation/rule-catalog.js'
import { runJob } from '../src/automation/rule-runner.js'
import { retentionApp } from './rules-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const n = 400

describeEachDatabase('rules: durable execution', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2025-05-01T00:00:00Z')
  const db = () => ctx.database.db
  let automation: Automation
  let hookStatus = 500
  let hookCalls = 0
  let server: http.Server
  let hookUrl = ''

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hookCalls++
      req.resume()
      req.on('end', () => res.writeHead(hookStatus).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    // A local receiver must be allow-listed: by default loopback is refused.
    automation = new Automation(db() as never, api.app.trellis.apps, { clock, webhookAllow: ['127.0.0.1'] })
    // The API's manual runs enqueue on this same clock.
    api.app.automation.clock = clock
    const rules = [
      {
        key: 'stamp',
        trigger: { kind: 'manual', form: 'customers' },
        actions: [
          { type: 'set_fields', values: { points: { '+': [{ var: 'points' }, 1] } } },
          { type: 'notify', channel: 'in_app', to: { var: 'id' }, body: { 'zh-CN': '盖章 {{name}}' } },
        ],
      },
      {
        key: 'bump',
        trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['points'] },
        condition: { '==': [{ var: 'name' }, '循环'] },
        actions: [{ type: 'set_fields', values: { points: { '+': [{ var: 'points' }, 1] } } }],
      },
      {
        key: 'bad_tier',
        trigger: { kind: 'record', form: 'customers', on: ['created'] },
        condition: { '==': [{ var: 'name' }, '坏'] },
        actions: [{ type: 'set_fields', values: { tier: 'diamond' } }],
      },
      {
        key: 'sync',
        trigger: { kind: 'manual', form: 'customers' },
        actions: [{ type: 'call_webhook', url: hookUrl }],
      },
    ]
    expect((await api.call('POST', '/api/apps', retentionApp('ops', rules))).status).toBe(201)
    expect((await api.call('POST', '/api/apps/ops/publish', {})).status).toBe(200)
  })

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it(`two workers over one database run ${n} due jobs exactly once each`, async () => {
    const values = Array.from({ length: n }, (_, i) => ({ values: { name: `客户${i}`, points: 0 } }))
    for (let i = 0; i < n; i += 200) {
      const res = await api.call('POST', '/api/apps/ops/forms/customers/records/bulk', {
        records: values.slice(i, i + 200),
      })
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201)
    }
    await automation.drain()
    const run = await api.call('POST', '/api/apps/ops/rules/stamp/run', {})
    expect(run.body).toEqual({ enqueued: n, records: n })
    const a = automation.createWorker({ batch: 7, concurrency: 3 })
    const b = automation.createWorker({ batch: 11, concurrency: 3 })
    const [ra, rb] = await Promise.all([a.drain(), b.drain()])
    expect(ra.ran.done + rb.ran.done).toBe(n)
    const messages = await sql<{
      n: string
      d: string
    }>`select count(*)::text as n, count(distinct record_id)::text as d
      from trellis.messages where rule_key = 'stamp'`.execute(db())
    expect(messages.rows[0]).toEqual({ n: String(n), d: String(n) })
    const points = await sql<{
      points: number
      n: string
    }>`select points, count(*)::text as n from app_ops.customers group by points`.execute(db())
    expect(points.rows).toEqual([{ points: 1, n: String(n) }])
    const runs = await sql<{
      n: string
    }>`select count(*)::text as n from trellis.rule_runs where rule_key = 'stamp' and outcome = 'succeeded'`.execute(
      db(),
    )
    expect(runs.rows[0]!.n).toBe(String(n))
  })

  it('a worker whose claim lapsed can neither complete nor fail the newer attempt', async () => {
    const target = (
      await sql<{ id: string }>`select id::text from app_ops.customers order by id limit 1`.execute(db())
    ).rows[0]!.id
    await api.call('POST', '/api/apps/ops/rules/stamp/run', { recordId: target })
    const stale = await automation.jobs.claim('worker-a', clock.now(), 10, 60_000)
    expect(stale).toHaveLength(1)
    clock.advance({ minutes: 2 })
    const fresh = await automation.jobs.claim('worker-b', clock.now(), 10, 60_000)
    expect(fresh.map((j) => [j.id, j.attempt])).toEqual([[stale[0]!.id, 2]])
    const deps = automation.runnerDeps()
    // The lapsed worker runs the job: its transaction is fenced, nothing it did is kept.
    expect(await runJob(deps, stale[0]!, new CatalogSnapshot(automation.catalog))).toBe('fenced')
    await expect(
      db()
        .transaction()
        .execute((trx) => automation.jobs.complete(trx, stale[0]!, clock.now())),
    ).rejects.toThrow(FencedError)
    await expect(
      db()
        .transaction()
        .execute((trx) => automation.jobs.fail(trx, stale[0]!, { code: 'X' }, clock.now())),
    ).rejects.toThrow(FencedError)
    const stamps = async () =>
      (
        await sql<{
          n: string
        }>`select count(*)::text as n from trellis.messages where rule_key = 'stamp' and record_id = ${target}`.execute(
          db(),
        )
      ).rows[0]!.n
    expect(await stamps()).toBe('1')
    expect(await runJob(deps, fresh[0]!, new CatalogSnapshot(automation.catalog))).toBe('done')
    expect(await stamps()).toBe('2')
    const points = await sql<{
      points: number
    }>`select points from app_ops.customers where id = ${target}`.execute(db())
    expect(points.rows[0]!.points).toBe(2)
  })

  it('a rule that triggers itself is stopped at the depth limit and the stop is logged', async () => {
    const res = await api.call('POST', '/api/apps/ops/forms/customers/records', {
      values: { name: '循环', points: 0 },
    })
    await automation.drain()
    await api.call('PATCH', `/api/apps/ops/forms/customers/records/${res.body.id}`, {
      version: res.body.version,
      values: { points: 1 },
    })
    await automation.drain()
    const row = await api.call('GET', `/api/apps/ops/forms/customers/records/${res.body.id}`)
    // The user's edit (depth 0) and four rule edits (depths 1-4) each ran the rule: 1 + 5 = 6.
    expect(row.body.points).toBe(6)
    const stopped = await api.call('GET', '/api/apps/ops/rule-runs?rule=bump&outcome=loop_stopped')
    expect(stopped.body.runs).toHaveLength(1)
    expect(stopped.body.runs[0]).toMatchObject({
      recordId: res.body.id,
      depth: 5,
      error: { code: 'RULE_LOOP' },
    })
  })

  it('a failing webhook is retried with backoff, then dead-lettered; a retried dead job can succeed', async () => {
    const target = (
      await sql<{ id: string }>`select id::text from app_ops.customers order by id limit 1`.execute(db())
    ).rows[0]!.id
    hookStatus = 500
    hookCalls = 0
    await api.call('POST', '/api/apps/ops/rules/sync/run', { recordId: target })
    const job = async () => (await automation.jobs.list('ops', { rule: 'sync', limit: 1 }))[0]!
    await automation.drain()
    expect(await job()).toMatchObject({ state: 'pending', attempt: 1 })
    // Backoff 10 s, 20 s, 40 s, 80 s: nothing runs early.
    for (const wait of [10, 20, 40, 80]) {
      clock.advance({ seconds: wait - 1 })
      await automation.drain()
      expect(hookCalls).toBe(5 - (wait === 10 ? 4 : wait === 20 ? 3 : wait === 40 ? 2 : 1))
      clock.advance({ seconds: 1 })
      await automation.drain()
    }
    expect(hookCalls).toBe(5)
    expect(await job()).toMatchObject({ state: 'dead', attempt: 5, last_error: { code: 'WEBHOOK_STATUS' } })
    const dead = await api.call('GET', '/api/apps/ops/jobs?state=dead&rule=sync')
    expect(dead.body.jobs).toHaveLength(1)
    const outcomes = await api.call('GET', '/api/apps/ops/rule-runs?rule=sync')
    expect(outcomes.body.runs.map((r: { outcome: string }) => r.outcome)).toEqual([
      'dead',
      'failed',
      'failed',
      'failed',
      'failed',
    ])

    hookStatus = 204
    const retried = await api.call('POST', `/api/apps/ops/jobs/${dead.body.jobs[0].id}/retry`, {})
    expect(retried.status).toBe(200)
    expect(retried.body).toMatchObject({ state: 'pending', attempt: 5, maxAttempts: 8 })
    await automation.drain()
    expect(await job()).toMatchObject({ state: 'done', attempt: 6 })
    expect(hookCalls).toBe(6)
    expect((await api.call('POST', `/api/apps/ops/jobs/${dead.body.jobs[0].id}/retry`, {})).status).toBe(404)
  })

  it('a record rule that fails inline falls back to a job that retries; the rest of the batch still runs', async () => {
    const bad = await api.call('POST', '/api/apps/ops/forms/customers/records', { values: { name: '坏' } })
    const good = await api.call('POST', '/api/apps/ops/forms/customers/records', {
      values: { name: '循环', points: 0 },
    })
    await api.call('PATCH', `/api/apps/ops/forms/customers/records/${good.body.id}`, {
      version: good.body.version,
      values: { points: 1 },
    })
    await automation.drain()
    const jobs = await automation.jobs.list('ops', { rule: 'bad_tier', limit: 5 })
    expect(jobs).toHaveLength(1)
    expect(jobs[0]).toMatchObject({
      record_id: bad.body.id,
      state: 'pending',
      attempt: 1,
      last_error: { code: 'VALIDATION_FAILED', path: 'tier' },
    })
    // The other rule's chain in the same batches went through.
    expect((await api.call('GET', `/api/apps/ops/forms/customers/records/${good.body.id}`)).body.points).toBe(
      6,
    )
    expect(
      (await api.call('GET', `/api/apps/ops/forms/customers/records/${bad.body.id}`)).body.tier,
    ).toBeNull()
  })
})
