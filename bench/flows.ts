import os from 'node:os'
import path from 'node:path'
import { advance, type FlowDefinition, type FlowEffect, type FlowState } from '@trellis/flow-engine'
import type { AppDefinition } from '@trellis/form-engine'
import { buildApp, migrateToLatest, openDatabase } from '@trellis/server'
import pg from 'pg'
import { freshDatabase, percentile } from './lib/postgres.js'
import { compare, type Comparison } from './lib/report.js'

const dataDir = path.join(os.tmpdir(), 'trellis-bench')
const config = { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir }
const label = (en: string) => ({ 'zh-CN': en, en })

/** The 6-node flow: start, service task, exclusive gateway, zero timer, user task, end. */
const flow: FlowDefinition = {
  key: 'bench_flow',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'check',
      kind: 'service_task',
      config: { action: { type: 'set_fields', values: { status: 'checked' } } },
    },
    { id: 'route', kind: 'exclusive_gateway', config: {} },
    { id: 'wait', kind: 'timer', config: { timer: { kind: 'duration', duration: 'PT0S' } } },
    { id: 'approve', kind: 'user_task', config: { assignee: { kind: 'role', role: 'agent' } } },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'check' },
    { id: 'e2', source: 'check', target: 'route' },
    { id: 'e3', source: 'route', target: 'wait', condition: { '>=': [{ var: 'record.amount' }, 0] } },
    { id: 'e4', source: 'route', target: 'end', default: true },
    { id: 'e5', source: 'wait', target: 'approve' },
    { id: 'e6', source: 'approve', target: 'end' },
  ],
}

const app: AppDefinition = {
  key: 'bench',
  name: label('Bench'),
  forms: [
    {
      key: 'tickets',
      label: label('Tickets'),
      fields: [
        { key: 'title', type: 'text', label: label('Title'), required: true },
        { key: 'amount', type: 'number', label: label('Amount') },
        { key: 'status', type: 'text', label: label('Status') },
      ],
    },
  ],
  roles: [{ key: 'agent', label: label('Agent'), forms: { tickets: { actions: ['read', 'update'] } } }],
  flows: [flow],
}

/** `advance()` alone, in memory: the same four events per instance, no database. */
function engineOnly(instances: number): number {
  const at = '2025-06-01T00:00:00.000Z'
  const t = performance.now()
  for (let i = 0; i < instances; i++) {
    const record = { id: String(i), title: `t${i}`, amount: i }
    let result = advance(flow, null, { kind: 'start', at, instanceId: String(i), record })
    const find = <K extends FlowEffect['kind']>(kind: K) =>
      result.effects.find((e) => e.kind === kind) as Extract<FlowEffect, { kind: K }>
    result = advance(flow, result.state, {
      kind: 'action_completed',
      at,
      actionId: find('run_action').actionId,
      result: null,
    })
    result = advance(flow, result.state, { kind: 'timer_fired', at, timerId: find('schedule_timer').timerId })
    const state: FlowState = advance(flow, result.state, {
      kind: 'task_completed',
      at,
      taskId: find('create_task').taskId,
      outcome: 'approve',
    }).state
    if (state.status !== 'completed') throw new Error(`flows bench: in-memory instance ended ${state.status}`)
  }
  return instances / ((performance.now() - t) / 1000)
}

/**
 * Starters and completers running at once (each waits for its answer before its next call), as that many users
 * would: 32, as the load test's connections (TRELLIS_BENCH_FLOW_CONCURRENCY).
 */
const concurrency = Number(process.env.TRELLIS_BENCH_FLOW_CONCURRENCY ?? 32)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * flows: start-to-complete throughput on PostgreSQL through the server's FlowService, pipelined as in a
 * running server: starters (the service task writes the record in the start's transaction), the server's
 * timer loop (`startTimerLoop`) and completers (the benchmark acting as the assignee) run at once.
 */
async function throughput(instances: number) {
  const target = await freshDatabase('trellis_bench_flows')
  const database = await openDatabase({ url: target.url, poolSize: 12 })
  try {
    await migrateToLatest(database.db)
    const server = await buildApp({ config, database })
    await server.trellis.apps.create(app)
    await server.trellis.apps.publish('bench', [], null)
    // A member of the app's `agent` role starts and completes (its record access is checked each time).
    const agent = await server.trellis.users.create({ username: 'bench_agent', password: 'bench-password-1' })
    await server.trellis.access.setMember('bench', agent.id, 'agent')
    const viewer = {
      userId: agent.id,
      username: agent.username,
      isAdmin: false,
      attributes: {},
      via: 'token' as const,
      scopes: 'all' as const,
    }
    const ids: string[] = []
    for (let i = 0; i < instances; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, instances - i) }, (_, k) => ({
        title: `ticket ${i + k}`,
        amount: i + k,
      }))
      const created = await server.trellis.records.bulkCreate('bench', 'tickets', batch, { actor: null })
      ids.push(...created.map((r) => String(r.id)))
    }
    // The outbox fills with the service task's record updates; rules would consume it, not measured here.
    const flows = server.flows
    const client = new pg.Client({ connectionString: target.url })
    await client.connect()
    client.on('error', () => {})

    let started = 0
    let completed = 0
    let finished = false
    const queue: string[] = []
    const claimed = new Set<string>()
    let seen = '0'
    let idle = 0
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const starter = async () => {
      while (started < instances) {
        const recordId = ids[started++]!
        await flows.start('bench', 'bench_flow', { form: 'tickets', recordId }, viewer)
      }
    }
    // The benchmark's own polling stays cheap (new open tasks by id, on the primary key), so what is
    // measured is the server's work, not the observer's.
    const fetcher = async () => {
      while (!finished) {
        const { rows } = await client.query<{ id: string }>(
          `select id::text from trellis.flow_tasks where id > $1 and status = 'open' order by id limit 200`,
          [seen],
        )
        for (const row of rows) {
          if (claimed.has(row.id)) continue
          claimed.add(row.id)
          queue.push(row.id)
        }
        if (rows.length) seen = rows.at(-1)!.id
        else {
          // Ids are drawn before commit: now and then look again from the start for one committed late.
          if (++idle % 50 === 0) seen = '0'
          await sleep(5)
        }
      }
    }
    const completer = async () => {
      while (completed < instances) {
        const id = queue.shift()
        if (!id) {
          await sleep(2)
          continue
        }
        const done = await flows.completeTask(id, { outcome: 'approve' }, viewer)
        if (done.status === 'completed') completed++
      }
      finished = true
    }
    // Timers are fired by the server's own loop (startServer runs the same), so lateness is what a
    // deployment sees.
    const loopErrors: unknown[] = []
    flows.startTimerLoop((error) => loopErrors.push(error))
    await Promise.all([
      ...Array.from({ length: concurrency }, starter),
      fetcher(),
      ...Array.from({ length: concurrency }, completer),
    ])
    const seconds = (performance.now() - t0) / 1000
    const rate = instances / seconds
    const cpu = process.cpuUsage(cpu0)
    if (process.env.TRELLIS_BENCH_VERBOSE)
      process.stderr.write(
        `flows: ${((cpu.user + cpu.system) / 1000 / instances).toFixed(2)} ms of this process's CPU per instance\n`,
      )
    flows.stop()
    if (loopErrors.length) throw loopErrors[0]
    const lateness = await client.query<{ ms: number }>(
      `select extract(epoch from (fired_at - due_at)) * 1000 as ms from trellis.flow_timers where state = 'fired'`,
    )
    const checked = await client.query<{ n: number }>(
      `select count(*)::int as n from app_bench.tickets where status = 'checked'`,
    )
    await client.end()
    if (lateness.rows.length !== instances || checked.rows[0]!.n !== instances)
      throw new Error(
        `flows bench: ${lateness.rows.length} timers fired, ${checked.rows[0]!.n} records checked`,
      )
    await server.close()
    const sorted = lateness.rows.map((r) => Number(r.ms)).sort((a, b) => a - b)
    return { rate, p99: percentile(sorted, 99) }
  } finally {
    await database.close()
    await target.drop()
  }
}

export async function run(): Promise<Comparison[]> {
  // 10,000 instances (about 9 s): long enough for a steady state. At 2,000 (about 2 s) the warm-up and the
  // fixed drain at the end (the last timers wait up to one 250 ms poll) weighed a tenth of the run: 925/s
  // there against 1,060-1,160/s at 6,000-10,000 on the same code.
  const instances = Number(process.env.TRELLIS_BENCH_FLOW_INSTANCES ?? 10_000)
  engineOnly(2000) // warm-up
  const inMemory = engineOnly(20_000)
  const { rate, p99 } = await throughput(instances)
  return [
    compare(
      'flows',
      'instances/s',
      rate,
      inMemory,
      true,
      `6-node flow start → service task → gateway → zero timer → user task completed → end, through FlowService on PostgreSQL (${instances} instances, a member of the assignee role starts and completes; ${concurrency} starters, the server's timer loop, ${concurrency} completers; goal ≥ 1,000/s); baseline: advance() alone in memory (the ratio is the engine's share of the cost)`,
    ),
    compare(
      'flows-timer-lateness',
      'ms p99',
      p99,
      1000,
      false,
      `zero-duration timers fired by the server's timer loop (every 250 ms, batched) during the flows run (fired − due, p99); baseline: the 1 s goal`,
    ),
  ]
}
