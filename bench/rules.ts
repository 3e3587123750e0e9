import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { AppDefinition } from '@trellis/form-engine'
import { buildApp, migrateToLatest, openDatabase } from '@trellis/server'
import { benchApp, sampleCustomer } from './lib/customers-app.js'
import { freshDatabase } from './lib/postgres.js'
import { compare, type Comparison } from './lib/report.js'

const dataDir = path.join(os.tmpdir(), 'trellis-bench')
const config = { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir }

function withRules(
  rules: unknown[],
  extraFields: AppDefinition['forms'][number]['fields'] = [],
): AppDefinition {
  const [customers] = benchApp.forms
  return { ...benchApp, forms: [{ ...customers!, fields: [...customers!.fields, ...extraFields] }], rules }
}

/**
 * rules-throughput: record events through the outbox, a condition and a set-field action, end to end on
 * PostgreSQL (event → job → record update with its own audit entry and event → run log), against the rate
 * at which the same records (and events) were inserted.
 */
async function throughput(events: number): Promise<Comparison> {
  const target = await freshDatabase('trellis_bench_rules')
  const database = await openDatabase({ url: target.url, poolSize: 12 })
  try {
    await migrateToLatest(database.db)
    const app = await buildApp({ config, database })
    const rule = {
      key: 'promote',
      trigger: { kind: 'record', form: 'customers', on: ['created'] },
      condition: { '>=': [{ var: 'points' }, 1000] },
      actions: [{ type: 'set_fields', values: { tier: 'gold', points: { '+': [{ var: 'points' }, 1] } } }],
    }
    await app.trellis.apps.create(withRules([rule]))
    await app.trellis.apps.publish('bench', [], null)
    const t0 = performance.now()
    for (let i = 0; i < events; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, events - i) }, (_, k) => ({
        ...sampleCustomer,
        name: `客户${i + k}`,
      }))
      await app.trellis.records.bulkCreate('bench', 'customers', batch, { actor: null })
    }
    const insertRate = events / ((performance.now() - t0) / 1000)
    // Four workers share the outbox (SKIP LOCKED batches), as four processes or loops would, each with the
    // options the server's own worker runs with (250 events per consumer transaction).
    const workers = Array.from({ length: 4 }, () => app.automation.createWorker())
    const t1 = performance.now()
    const outcomes = await Promise.allSettled(workers.map((w) => w.drain()))
    for (const o of outcomes) if (o.status === 'rejected') throw o.reason
    const rate = events / ((performance.now() - t1) / 1000)
    const check = await database.db
      .selectFrom('trellis.outbox')
      .select((e) => e.fn.countAll<string>().as('n'))
      .where('processed_at', 'is', null)
      .executeTakeFirstOrThrow()
    const client = new pg.Client({ connectionString: target.url })
    await client.connect()
    const { rows } = await client.query(
      `select count(*)::int as n from app_bench.customers where tier = 'gold' and points = 1201`,
    )
    await client.end()
    if (rows[0].n !== events || Number(check.n) !== 0)
      throw new Error(`rules-throughput: ${rows[0].n} of ${events} records promoted, ${check.n} events left`)
    await app.close()
    return compare(
      'rules-throughput',
      'events/s',
      rate,
      insertRate,
      true,
      `record events → condition → set_fields, end to end (PostgreSQL, ${events} events, 4 workers, server defaults: 250 events per transaction); baseline: inserting the same records`,
    )
  } finally {
    await database.close()
    await target.drop()
  }
}

/**
 * date-scan: arming the birthday (3 days before, yearly) and dormancy (90 days after the last purchase)
 * rules for one day among N customers. Scale with TRELLIS_BENCH_DATE_SCAN_CUSTOMERS (default 1,000,000).
 */
async function dateScan(customers: number): Promise<Comparison> {
  const target = await freshDatabase('trellis_bench_date_scan')
  const database = await openDatabase({ url: target.url, poolSize: 4 })
  try {
    await migrateToLatest(database.db)
    const app = await buildApp({ config, database })
    const rules = [
      {
        key: 'birthday',
        trigger: { kind: 'date', form: 'customers', field: 'birthday', amount: -3, yearly: true },
        actions: [{ type: 'add_tags', field: 'tags', tags: ['birthday'] }],
      },
      {
        key: 'dormant',
        trigger: { kind: 'date', form: 'customers', field: 'last_purchase', amount: 90 },
        actions: [{ type: 'add_tags', field: 'tags', tags: ['dormant'] }],
      },
    ]
    await app.trellis.apps.create(
      withRules(rules, [{ key: 'last_purchase', type: 'date', label: { en: 'Last purchase' } }]),
    )
    await app.trellis.apps.publish('bench', [], null)
    const client = new pg.Client({ connectionString: target.url })
    await client.connect()
    // An error must not leave this connection open while the database is dropped.
    client.on('error', () => {})
    // Customers born on any day of 1950-2005, last purchase within the past three years.
    await client.query(
      `insert into app_bench.customers (name, birthday, last_purchase)
       select 'c' || g, date '1950-01-01' + (g::bigint * 7919 % 20089)::int, date '2022-06-01' + (g::bigint * 104729 % 1095)::int
       from generate_series(1, $1) g`,
      [customers],
    )
    await client.query('analyze app_bench.customers')
    await client.end()
    let now = new Date('2025-06-01T00:00:00Z').getTime()
    app.automation.clock = { now: () => new Date(now) }
    await app.automation.scheduleNow()
    // Two daily scans, each over one day: the median of the two is reported.
    const times: number[] = []
    let armed = 0
    for (let day = 0; day < 2; day++) {
      now += 86_400_000
      const t = performance.now()
      armed = await app.automation.scheduleNow()
      times.push(performance.now() - t)
    }
    if (armed < 1) throw new Error('date-scan: nothing was due')
    await app.close()
    const ms = Math.min(...times)
    return compare(
      'date-scan',
      'ms',
      ms,
      5000,
      false,
      `birthday + dormancy matches for one day among ${customers.toLocaleString('en')} customers (PostgreSQL, ${armed} jobs armed); baseline: the 5 s goal`,
    )
  } finally {
    await database.close()
    await target.drop()
  }
}

export async function run(): Promise<Comparison[]> {
  const events = Number(process.env.TRELLIS_BENCH_RULE_EVENTS ?? 5000)
  const customers = Number(process.env.TRELLIS_BENCH_DATE_SCAN_CUSTOMERS ?? 1_000_000)
  const results: Comparison[] = []
  try {
    if (events > 0) results.push(await throughput(events))
    results.push(await dateScan(customers))
  } catch (error) {
    process.stderr.write(`rules bench failed: ${(error as Error).stack}\n`)
    throw error
  }
  return results
}
