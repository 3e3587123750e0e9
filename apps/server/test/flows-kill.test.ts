import type { FlowDefinition, FlowState } from '@trellis/flow-engine'
import { spawn, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import type { Database } from '../src/db/database.js'
import { startInstance } from '../src/flows/flow-starts.js'
import { retentionApp } from './rules-fixtures.js'
import { createTestDatabase, testDatabases } from './support/databases.js'

const here = path.dirname(fileURLToPath(import.meta.url))
// The proof uses 1,000 (TRELLIS_FLOWS_KILL_INSTANCES=1000: 10 s on a quiet machine). The full suite
// runs 300, as before: the one full run at 1,000 had four browser tests (running beside it) time out.
const instances = Number(process.env.TRELLIS_FLOWS_KILL_INSTANCES ?? 300)

/** start → zero timer (due at once) → service task adding a point to the record → user task → end. */
const stamp: FlowDefinition = {
  key: 'stamp',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    { id: 'wait', kind: 'timer', config: { timer: { kind: 'duration', duration: 'PT0S' } } },
    {
      id: 'add_point',
      kind: 'service_task',
      config: { action: { type: 'set_fields', values: { points: { '+': [{ var: 'points' }, 1] } } } },
    },
    { id: 'review', kind: 'user_task', config: { assignee: { kind: 'user', userId: '1' } } },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'wait' },
    { id: 'e2', source: 'wait', target: 'add_point' },
    { id: 'e3', source: 'add_point', target: 'review' },
    { id: 'e4', source: 'review', target: 'end' },
  ],
}

/**
 * The real server (`startServer`: migrations, HTTP, automation and the flow timer loop) in its own OS
 * process over the test's PostgreSQL database.
 */
function serverProcess(url: string): ChildProcess {
  const config = path.join(here, '../src/config.ts')
  const server = path.join(here, '../src/server.ts')
  const code = `
    (async () => {
      const { loadConfig } = await import(${JSON.stringify(config)})
      const { startServer } = await import(${JSON.stringify(server)})
      await startServer(loadConfig({ ...process.env, DATABASE_URL: ${JSON.stringify(url)}, PORT: '0',
        LOG_LEVEL: 'silent', TRELLIS_DATA_DIR: ${JSON.stringify(path.join(os.tmpdir(), 'trellis-flows-kill'))},
        TRELLIS_ADMIN_PASSWORD: 'kill-test-password' }))
    })().catch((e) => { console.error(e); process.exit(1) })`
  return spawn(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: path.join(here, '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.on('exit', (code) => resolve(code)),
  )

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** What an instance's state says about where it is and how it got there, without times and ids of its own. */
function shape(state: FlowState) {
  return {
    status: state.status,
    seq: state.seq,
    tokens: state.tokens,
    history: state.history.map((h) => `${h.tokenId}:${h.nodeId}:${h.step}`),
    actions: Object.keys(state.data.actions),
  }
}

// A hard kill needs the server in another process on a shared database: PostgreSQL only.
const describePg = testDatabases().includes('postgresql') ? describe : describe.skip

describePg('postgresql: flows survive kill -9', () => {
  let database: Database
  let url: string

  beforeAll(async () => {
    database = await createTestDatabase('postgresql')
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db)
    const u = new URL(process.env.TRELLIS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    u.pathname = `/${rows[0]!.name}`
    url = u.toString()
  })
  afterAll(async () => {
    await database?.close()
  })

  it(`kill -9 while ${instances} instances have due timers: after a restart each timer fired once, no effect twice, every instance where an uninterrupted run ends`, async () => {
    const app = await buildApp({
      config: {
        designerDir: undefined,
        timeZone: 'Asia/Shanghai',
        dataDir: path.join(os.tmpdir(), 'trellis-flows-kill'),
      },
      database,
    })
    await app.trellis.apps.create({ ...retentionApp('kill', []), flows: [stamp] })
    await app.trellis.apps.publish('kill', [], null)
    await sql`insert into app_kill.customers (name, points) select 'c' || g, 0
      from generate_series(1, ${instances + 1}) g`.execute(database.db)
    const { rows: customers } = await sql<{
      id: string
      name: string
    }>`select id::text, name from app_kill.customers order by id`.execute(database.db)
    const reference = customers.pop()!
    // Every instance waits at its zero timer, due at once; no server process runs yet.
    const now = new Date()
    await database.db.transaction().execute(async (trx) => {
      for (const c of customers)
        await startInstance(
          trx,
          {
            app: 'kill',
            flow: stamp,
            form: 'customers',
            recordId: c.id,
            record: { id: c.id, name: c.name, points: 0 },
            startedBy: 'test',
          },
          now,
          app.flows.actions,
        )
    })

    const fired = async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from trellis.flow_timers
        where state = 'fired'`.execute(database.db)
      return rows[0]!.n
    }
    const victim = serverProcess(url)
    // Let its timer loop get going, then kill it without any chance to clean up.
    while ((await fired()) < instances / 10) {
      expect(victim.exitCode).toBeNull()
      await sleep(50)
    }
    victim.kill('SIGKILL')
    await exited(victim)
    expect(await fired()).toBeLessThan(instances)

    const restarted = serverProcess(url)
    while ((await fired()) < instances) {
      expect(restarted.exitCode).toBeNull()
      await sleep(200)
    }
    restarted.kill('SIGTERM')
    await exited(restarted)

    // The same flow run uninterrupted, in this process.
    const referenceId = await database.db.transaction().execute((trx) =>
      startInstance(
        trx,
        {
          app: 'kill',
          flow: stamp,
          form: 'customers',
          recordId: reference.id,
          record: { id: reference.id, name: reference.name, points: 0 },
          startedBy: 'test',
        },
        new Date(),
        app.flows.actions,
      ),
    )
    expect(await app.flows.runDueTimers(new Date())).toEqual({ fired: 1, refused: 0 })

    const { rows: states } = await sql<{ id: string; state: FlowState; version: number }>`
      select id::text, state, version from trellis.flow_instances order by id`.execute(database.db)
    expect(states).toHaveLength(instances + 1)
    const expected = shape(states.find((s) => s.id === referenceId)!.state)
    expect(expected.tokens.map((t) => t.nodeId)).toEqual(['review'])
    const shapes = new Map<string, number>()
    for (const s of states) {
      const key = JSON.stringify({ ...shape(s.state), version: s.version })
      shapes.set(key, (shapes.get(key) ?? 0) + 1)
    }
    // Every instance, killed or not, in exactly the reference's state (same tokens, history, version).
    expect([...shapes.values()]).toEqual([instances + 1])
    expect(JSON.parse([...shapes.keys()][0]!)).toEqual({ ...expected, version: 2 })

    // Each timer fired once, each action ran once (one point per record), one open task and three steps each.
    const effects = await sql<Record<string, string>>`select
        (select count(*) from trellis.flow_timers where state = 'fired')::text as timers_fired,
        (select count(*) from trellis.flow_timers where state <> 'fired')::text as timers_other,
        (select count(*) from app_kill.customers where points = 1)::text as one_point,
        (select count(*) from app_kill.customers where points <> 1)::text as other_points,
        (select count(*) from trellis.flow_actions where state = 'done')::text as actions_done,
        (select count(*) from trellis.flow_actions where state <> 'done')::text as actions_other,
        (select count(*) from trellis.flow_tasks where status = 'open' and node_id = 'review')::text as open_tasks,
        (select count(*) from trellis.flow_tasks)::text as tasks,
        (select count(*) from trellis.flow_steps)::text as steps,
        (select count(distinct (instance_id, event)) from trellis.flow_steps)::text as distinct_steps`.execute(
      database.db,
    )
    const all = String(instances + 1)
    expect(effects.rows[0]).toEqual({
      timers_fired: all,
      timers_other: '0',
      one_point: all,
      other_points: '0',
      actions_done: all,
      actions_other: '0',
      open_tasks: all,
      tasks: all,
      steps: String(3 * (instances + 1)),
      distinct_steps: String(3 * (instances + 1)),
    })
    await app.close()
  }, 300_000)
})
