import pg from 'pg'
import { openDatabase } from '@trellis/server'
import { adminToken } from './lib/admin-token.js'
import { benchApp } from './lib/customers-app.js'
import { freshDatabase, percentile } from './lib/postgres.js'
import { trellisWithApp } from './lib/trellis-app.js'
import { compare, type Comparison } from './lib/report.js'

const rows = Number(process.env.TRELLIS_BENCH_LIST_ROWS ?? 1_000_000)
const samples = 300

/**
 * A filtered, sorted page of 50 over 1,000,000 customers on PostgreSQL: Trellis' list endpoint (JsonLogic
 * filter compiled to SQL, keyset sort, JSON mapping, Fastify) vs the same query hand-written with `pg`.
 */
export async function run(): Promise<Comparison[]> {
  const target = await freshDatabase('trellis_bench_records_list')
  const database = await openDatabase({ url: target.url, poolSize: 10 })
  const trellis = await trellisWithApp(database, benchApp)
  const headers = { authorization: `Bearer ${await adminToken(trellis)}` }
  const pool = new pg.Pool({ connectionString: target.url, max: 4 })
  try {
    await pool.query(`insert into app_bench.customers (name, phone, city, tier, points, spent, birthday, tags)
      select '客户' || i, '+86138' || lpad(i::text, 8, '0'), (array['上海','北京','杭州','成都'])[1 + i % 4],
             (array['normal','silver','gold','vip','lost'])[1 + (i * 7) % 5], (i * 37) % 5000,
             ((i * 13) % 100000) / 100.0, date '1960-01-01' + (i % 20000), array['tag' || (i % 10)]
      from generate_series(1, ${rows}) as i`)
    await pool.query('analyze app_bench.customers')

    const tiers = ['vip', 'gold', 'silver', 'normal']
    const cases = Array.from({ length: samples }, (_, i) => ({ tier: tiers[i % 4]!, min: (i * 131) % 4500 }))
    const url = (c: { tier: string; min: number }) =>
      `/api/apps/bench/forms/customers/records?limit=50&sort=-points&filter=${encodeURIComponent(
        JSON.stringify({ and: [{ '==': [{ var: 'tier' }, c.tier] }, { '>=': [{ var: 'points' }, c.min] }] }),
      )}`
    const handWritten = `select * from app_bench.customers where deleted_at is null and tier = $1 and points >= $2
      order by points desc, id desc limit 51`

    // Warm both paths (plans, JIT of our closures) before measuring.
    for (const c of cases.slice(0, 30)) {
      await trellis.inject({ method: 'GET', url: url(c), headers })
      await pool.query(handWritten, [c.tier, c.min])
    }
    const ours: number[] = []
    const baseline: number[] = []
    for (const c of cases) {
      let start = performance.now()
      const res = await trellis.inject({ method: 'GET', url: url(c), headers })
      ours.push(performance.now() - start)
      if (res.statusCode !== 200 || res.json().records.length === 0)
        throw new Error(`list failed: ${res.body.slice(0, 200)}`)
      start = performance.now()
      await pool.query(handWritten, [c.tier, c.min])
      baseline.push(performance.now() - start)
    }
    ours.sort((a, b) => a - b)
    baseline.sort((a, b) => a - b)
    const note = `hand-written SQL with pg, ${rows.toLocaleString('en')} rows (PostgreSQL)`
    return [
      compare('records-list-p50', 'ms', percentile(ours, 50), percentile(baseline, 50), false, note),
      compare('records-list-p95', 'ms', percentile(ours, 95), percentile(baseline, 95), false, note),
    ]
  } finally {
    await trellis.close()
    await pool.end()
    await database.close()
    await target.drop()
  }
}
