import autocannon from 'autocannon'
import Fastify from 'fastify'
import pg from 'pg'
import { openDatabase } from '@trellis/server'
import { normalizePhone } from '@trellis/form-engine'
import { adminToken } from './lib/admin-token.js'
import { benchApp, sampleCustomer } from './lib/customers-app.js'
import { freshDatabase } from './lib/postgres.js'
import { trellisWithApp } from './lib/trellis-app.js'
import { compare, type Comparison } from './lib/report.js'

async function throughput(url: string, body: string, seconds: number, token?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const options = { url, method: 'POST' as const, body, headers, connections: 10 }
  await autocannon({ ...options, duration: 1 })
  const result = await autocannon({ ...options, duration: seconds })
  if (result.non2xx || result.errors)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

/**
 * Creating records through Trellis (API token check, JSON Schema validation, normalization, audit entry and
 * outbox event in one transaction) vs a bare Fastify route inserting the same row with `pg`, on PostgreSQL.
 */
export async function run(): Promise<Comparison[]> {
  const target = await freshDatabase('trellis_bench_records_write')
  const database = await openDatabase({ url: target.url, poolSize: 10 })
  const trellis = await trellisWithApp(database, benchApp)
  const token = await adminToken(trellis)

  const pool = new pg.Pool({ connectionString: target.url, max: 10 })
  await pool.query(`create table bare_customers (id bigint generated always as identity primary key,
    name text, phone text, city text, tier text, points double precision, spent numeric(20,2), birthday date, tags text[],
    created_at timestamptz not null default now(), updated_at timestamptz not null default now(), version integer not null default 1)`)
  const bare = Fastify()
  bare.post('/customers', async (request, reply) => {
    const c = (request.body as { values: typeof sampleCustomer }).values
    const { rows } = await pool.query(
      `insert into bare_customers (name, phone, city, tier, points, spent, birthday, tags)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [c.name, normalizePhone(c.phone), c.city, c.tier, c.points, c.spent, c.birthday, c.tags],
    )
    return reply.status(201).send(rows[0])
  })

  const body = JSON.stringify({ values: sampleCustomer })
  const ours = `${await trellis.listen({ port: 0, host: '127.0.0.1' })}/api/apps/bench/forms/customers/records`
  const baseline = `${await bare.listen({ port: 0, host: '127.0.0.1' })}/customers`
  try {
    let o = 0
    let b = 0
    for (let round = 0; round < 2; round++) {
      b += await throughput(baseline, body, 5)
      o += await throughput(ours, body, 5, token)
    }
    return [
      compare(
        'records-write',
        'req/s',
        o / 2,
        b / 2,
        true,
        'bare Fastify + pg insert of the same row (PostgreSQL)',
      ),
    ]
  } finally {
    await trellis.close()
    await bare.close()
    await pool.end()
    await database.close()
    await target.drop()
  }
}
