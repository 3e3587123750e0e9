import type { AppDefinition } from '@trellis/form-engine'
import { openDatabase } from '@trellis/server'
import { mkdtemp, rm, chmod } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { adminToken } from './lib/admin-token.js'
import { freshDatabase } from './lib/postgres.js'
import { compare, type Comparison } from './lib/report.js'
import { trellisWithApp } from './lib/trellis-app.js'

/** Rows exported (the goal is stated for 1,000,000: `TRELLIS_BENCH_EXPORT_ROWS=1000000`). */
const rows = Number(process.env.TRELLIS_BENCH_EXPORT_ROWS ?? 200_000)

const app: AppDefinition = {
  key: 'bench_export',
  name: { en: 'Export bench' },
  forms: [
    {
      key: 'customers',
      label: { en: 'Customers' },
      fields: [
        { key: 'name', type: 'text', label: { en: 'Name' }, required: true },
        { key: 'phone', type: 'phone', label: { en: 'Phone' } },
        { key: 'city', type: 'text', label: { en: 'City' } },
        { key: 'points', type: 'number', label: { en: 'Points' } },
        { key: 'spent', type: 'currency', label: { en: 'Spent' }, scale: 2 },
        { key: 'birthday', type: 'date', label: { en: 'Birthday' } },
      ],
    },
  ],
}

/**
 * Exports a form's records as CSV through `GET …/export.csv`, read to the end by an HTTP client, on
 * PostgreSQL. The admin sees every value as stored, so PostgreSQL writes the lines, a page of them per
 * query, every cell neutralized and quoted as the records reader's export would (imports/export-sql.ts);
 * a viewer with masked fields would export through the records reader's pages instead.
 * Baseline: PostgreSQL's `COPY (select …) TO` a file, which does no access checks and no neutralizing.
 */
export async function run(): Promise<Comparison[]> {
  const target = await freshDatabase('trellis_bench_export')
  const database = await openDatabase({ url: target.url, poolSize: 4 })
  const trellis = await trellisWithApp(database, app)
  const token = await adminToken(trellis)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'trellis-export-bench-'))
  await chmod(dir, 0o777)
  try {
    const published = await trellis.trellis.apps.requirePublished(app.key)
    const table = `${published.schema}.${published.form('customers').plan.table}`
    const client = new pg.Client({ connectionString: target.url })
    await client.connect()
    await client.query(
      `insert into ${table} (name, phone, city, points, spent, birthday)
       select '客户' || g, '+86139' || lpad(g::text, 8, '0'), case when g % 7 = 0 then '=cmd' else '上海' end,
         g % 1000, (g % 5000) + 0.5, date '2000-01-01' + (g % 9000)
       from generate_series(1, $1) g`,
      [rows],
    )
    await client.query(`analyze ${table}`)

    const base = await trellis.listen({ port: 0, host: '127.0.0.1' })
    const started = performance.now()
    const res = await fetch(`${base}/api/apps/bench_export/forms/customers/export.csv`, {
      headers: { authorization: `Bearer ${token}` },
    })
    let bytes = 0
    let lines = 0
    for await (const chunk of res.body!) {
      bytes += chunk.length
      for (const byte of chunk) if (byte === 10) lines++
    }
    const seconds = (performance.now() - started) / 1000
    if (lines !== rows + 1) throw new Error(`export bench: ${lines} lines for ${rows} rows`)

    const copyStarted = performance.now()
    await client.query(`copy (select id, name, phone, city, points, spent, birthday from ${table} order by id)
      to '${path.join(dir, 'copy.csv')}' with (format csv, header true)`)
    const copySeconds = (performance.now() - copyStarted) / 1000
    await client.end()
    return [
      compare(
        'export CSV (PostgreSQL)',
        'rows/s',
        rows / seconds,
        rows / copySeconds,
        true,
        `${rows} rows, ${Math.round(bytes / 1024 / 1024)} MB over HTTP; baseline COPY … TO a file on the server`,
      ),
    ]
  } finally {
    await trellis.close()
    await database.close()
    await target.drop()
    await rm(dir, { recursive: true, force: true })
  }
}
