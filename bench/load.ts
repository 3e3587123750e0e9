import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { buildApp, openDatabase } from '@trellis/server'
import { freshDatabase } from './lib/postgres.js'
import { compare, type Comparison } from './lib/report.js'

/**
 * The mixed workload of issue 13 against real `trellis start` processes on PostgreSQL, driven by autocannon from
 * this (separate) process over loopback: 70 % reads (customer lists, customer views with their store, a customer's
 * orders, open tasks), 20 % writes (an order — which moves the customer's rollups in the same transaction — and a
 * follow-up task), 10 % reports (a tier × store pivot of customers, as a dashboard tile does). The CRM template
 * with its demo data (TRELLIS_BENCH_LOAD_CUSTOMERS customers, 2,000 by default) is installed by the first start.
 * Requests are signed by 100 admin tokens in turn, as many users would (limits are per user).
 *
 * One process, then two: with two, each autocannon instance drives one process (client-side balancing, as nginx
 * does with least_conn) and the figures are summed (throughput) or the worse taken (p99).
 */

const here = path.dirname(fileURLToPath(import.meta.url))
const cli = path.resolve(here, '../apps/server/bin/trellis.mjs')
const CUSTOMERS = Number(process.env.TRELLIS_BENCH_LOAD_CUSTOMERS ?? 2000)
const SECONDS = Number(process.env.TRELLIS_BENCH_LOAD_SECONDS ?? 15)
const CONNECTIONS = 32
const USERS = 100

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

export async function startTrellis(
  url: string,
  dataDir: string,
): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, [cli, 'start'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      TRELLIS_DATA_DIR: dataDir,
      TRELLIS_DEMO_SIZE: String(CUSTOMERS),
      TRELLIS_ADMIN_PASSWORD: 'bench-load-password',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/api/health/ready`)).ok) return { child, base }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  child.kill('SIGKILL')
  throw new Error('trellis did not become ready')
}

/** SIGTERM, then SIGKILL if the process has not exited within 10 s; resolves once it has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** CPU seconds used so far by a process (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function postgresCpuSeconds(): number {
  const out = execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' })
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0)
    .reduce((sum, pid) => {
      try {
        return sum + cpuSeconds(pid)
      } catch {
        return sum // exited meanwhile
      }
    }, 0)
}

interface Fixture {
  tokens: string[]
  customers: string[]
  stores: string[]
}

const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!

export function workload(fixture: Fixture) {
  let n = 0
  const auth = () => ({
    authorization: `Bearer ${fixture.tokens[n++ % fixture.tokens.length]}`,
    'content-type': 'application/json',
  })
  const get = (path: () => string) => ({
    method: 'GET' as const,
    setupRequest: (request: Record<string, unknown>) => ({ ...request, path: path(), headers: auth() }),
  })
  const post = (path: string, body: () => unknown) => ({
    method: 'POST' as const,
    setupRequest: (request: Record<string, unknown>) => ({
      ...request,
      path,
      headers: auth(),
      body: JSON.stringify(body()),
    }),
  })
  const crm = '/api/apps/crm/forms'
  const q = (logic: unknown) => encodeURIComponent(JSON.stringify(logic))
  const today = new Date().toISOString()
  return [
    get(() => `${crm}/customers/records?limit=50&sort=-last_purchase_at`),
    get(() => `${crm}/customers/records/${pick(fixture.customers)}?expand=store`),
    get(
      () =>
        `${crm}/orders/records?limit=20&filter=${q({ '==': [{ var: 'customer' }, pick(fixture.customers)] })}`,
    ),
    get(
      () =>
        `${crm}/customers/records?limit=50&filter=${q({ '==': [{ var: 'tier' }, pick(['S', 'A', 'B', 'C'])] })}`,
    ),
    post(`${crm}/orders/records`, () => ({
      values: {
        customer: pick(fixture.customers),
        store: pick(fixture.stores),
        ordered_at: today,
        amount: (10 + Math.floor(Math.random() * 300)).toFixed(2),
        status: 'paid',
      },
    })),
    get(() => `${crm}/customers/records/${pick(fixture.customers)}`),
    get(() => `${crm}/tasks/records?limit=50&filter=${q({ '==': [{ var: 'status' }, 'open'] })}`),
    post(`${crm}/tasks/records`, () => ({
      values: { customer: pick(fixture.customers), title: '回访', kind: 'call_back', status: 'open' },
    })),
    get(() => `${crm}/customers/records?limit=20&sort=name`),
    post('/api/apps/crm/pivot', () => ({
      spec: {
        source: 'customers',
        rows: [{ field: 'tier' }],
        columns: [{ field: 'store.name' }],
        measures: [
          { key: 'customers', agg: 'count' },
          { key: 'spent', agg: 'avg', field: 'total_spent' },
        ],
        totals: { rows: true, columns: true },
      },
    })),
  ]
}

interface Run {
  rps: number
  p50: number
  p99: number
  errors: number
}

async function drive(bases: string[], fixture: Fixture, seconds: number): Promise<Run> {
  const results = await Promise.all(
    bases.map((base) =>
      autocannon({
        url: base,
        connections: Math.round(CONNECTIONS / bases.length),
        duration: seconds,
        requests: workload(fixture),
      } as unknown as autocannon.Options),
    ),
  )
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.errors + r.non2xx + r.timeouts, 0),
  }
}

export async function run(): Promise<Comparison[]> {
  const target = await freshDatabase('trellis_bench_load')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-load-'))
  const children: ChildProcess[] = []
  try {
    const one = await startTrellis(target.url, dataDir)
    children.push(one.child)

    // Users and data for the workload, prepared through the library over the same database.
    const database = await openDatabase({ url: target.url, poolSize: 2 })
    const setup = await buildApp({
      config: { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir },
      database,
    })
    const tokens: string[] = []
    for (let i = 0; i < USERS; i++) {
      const user = await setup.trellis.users.create({
        username: `load_${i}`,
        password: 'bench-load-password',
        isAdmin: true,
      })
      tokens.push(
        (
          await setup.trellis.users.createToken(user.id, {
            name: 'load',
            scopes: ['records:read', 'records:write'],
          })
        ).token,
      )
    }
    const ids = async (table: string) =>
      (
        await sql<{ id: string }>`select id::text as id from ${sql.table(table)}`.execute(database.db)
      ).rows.map((row) => row.id)
    const fixture = { tokens, customers: await ids('app_crm.customers'), stores: await ids('app_crm.stores') }
    await setup.close()
    await database.close()

    await drive([one.base], fixture, 2) // warm-up
    const cpuBefore = { node: cpuSeconds(one.child.pid!), pg: postgresCpuSeconds() }
    const single = await drive([one.base], fixture, SECONDS)
    const cpuAfter = { node: cpuSeconds(one.child.pid!), pg: postgresCpuSeconds() }
    const nodeCpu = cpuAfter.node - cpuBefore.node
    const pgCpu = cpuAfter.pg - cpuBefore.pg

    const two = await startTrellis(target.url, dataDir)
    children.push(two.child)
    await drive([one.base, two.base], fixture, 2)
    const double = await drive([one.base, two.base], fixture, SECONDS)

    const cpu = `CPU in the single-process run: Node ${Math.round((100 * nodeCpu) / (nodeCpu + pgCpu))} %, PostgreSQL ${Math.round((100 * pgCpu) / (nodeCpu + pgCpu))} % (${(nodeCpu / SECONDS).toFixed(2)} + ${(pgCpu / SECONDS).toFixed(2)} cores)`
    const mix = `70 % reads / 20 % writes / 10 % reports, ${CONNECTIONS} connections, ${fixture.customers.length} customers`
    process.stderr.write(`  ${cpu}\n`)
    return [
      compare(
        'load-1-process',
        'req/s',
        single.rps,
        1500,
        true,
        `${mix}; baseline: the 1,500 req/s goal; errors: ${single.errors}`,
      ),
      compare(
        'load-1-process-p50',
        'ms',
        single.p50,
        100,
        false,
        'baseline: 100 ms, the p99 goal, for scale',
      ),
      compare('load-1-process-p99', 'ms', single.p99, 100, false, `baseline: the 100 ms p99 goal; ${cpu}`),
      compare(
        'load-2-processes',
        'req/s',
        double.rps,
        single.rps,
        true,
        `baseline: one process in the same run (goal 1.5×); errors: ${double.errors}`,
      ),
      compare('load-2-processes-p99', 'ms', double.p99, 100, false, 'baseline: the 100 ms p99 goal'),
    ]
  } finally {
    // Every process gone before the database is dropped: one still draining would reconnect to the next
    // run's database of the same name and meet its template install.
    await Promise.all(children.map(stopChild))
    await target.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
