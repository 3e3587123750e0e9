import type { AppDefinition } from '@trellis/form-engine'
import { openDatabase } from '@trellis/server'
import { openAsBlob } from 'node:fs'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { getHeapStatistics } from 'node:v8'
import { mkdtemp, rm, chmod } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { adminToken } from './lib/admin-token.js'
import { freshDatabase } from './lib/postgres.js'
import { compare, type Comparison } from './lib/report.js'
import { trellisWithApp } from './lib/trellis-app.js'

/** Rows in the file (the goal is stated for 1,000,000: `TRELLIS_BENCH_IMPORT_ROWS=1000000`). */
const rows = Number(process.env.TRELLIS_BENCH_IMPORT_ROWS ?? 200_000)

const app: AppDefinition = {
  key: 'bench_import',
  name: { en: 'Import bench' },
  forms: [
    {
      key: 'customers',
      label: { en: 'Customers' },
      fields: [
        { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' }, required: true },
        { key: 'phone', type: 'phone', label: { 'zh-CN': '手机', en: 'Phone' }, unique: true },
        { key: 'city', type: 'text', label: { 'zh-CN': '城市', en: 'City' } },
        { key: 'points', type: 'number', label: { 'zh-CN': '积分', en: 'Points' } },
        { key: 'spent', type: 'currency', label: { 'zh-CN': '消费', en: 'Spent' }, scale: 2 },
        { key: 'birthday', type: 'date', label: { 'zh-CN': '生日', en: 'Birthday' } },
      ],
    },
  ],
}

const phone = (i: number) => `139${String(i).padStart(8, '0')}`

/**
 * Imports a customer CSV through the HTTP API (multipart upload streamed to disk, then one run: parse,
 * coerce, validate, dedup by phone, batched writes with audit and outbox rows) on PostgreSQL. 10 % of
 * the rows are customers already in the table, written with another spelling of their phone (so they
 * must be matched after normalization and updated). Baseline: PostgreSQL's own `COPY` of the same file
 * into a plain table with the same columns. Peak resident memory is sampled during the run.
 */
export async function run(): Promise<Comparison[]> {
  const target = await freshDatabase('trellis_bench_import')
  const database = await openDatabase({ url: target.url, poolSize: 4 })
  const trellis = await trellisWithApp(database, app)
  const token = await adminToken(trellis)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'trellis-import-bench-'))
  await chmod(dir, 0o755)
  const file = path.join(dir, 'customers.csv')
  try {
    // Existing customers: every tenth phone of the file, stored already.
    const existing = Math.floor(rows / 10)
    const published = await trellis.trellis.apps.requirePublished(app.key)
    const table = `${published.schema}.${published.form('customers').plan.table}`
    const seed = new pg.Client({ connectionString: target.url })
    await seed.connect()
    await seed.query(
      `insert into ${table} (name, phone, points)
       select 'old ' || g, '+86139' || lpad(g::text, 8, '0'), 0 from generate_series(0, $1 - 1) g`,
      [existing],
    )
    await seed.end()
    // Written in chunks, so the bench process holds no copy of the file (its peak RSS is the import's).
    const out = createWriteStream(file)
    let chunk = '姓名,手机,城市,积分,消费,生日\r\n'
    for (let i = 0; i < rows; i++) {
      // Rows 0 … existing-1 match stored customers; written with spaces, as a cashier export does.
      const p =
        i < existing
          ? `139 ${String(i)
              .padStart(8, '0')
              .replace(/(\d{4})(\d{4})/, '$1 $2')}`
          : phone(i)
      chunk += `客户${i},${p},上海,${i % 1000},"¥${(i % 5000).toLocaleString('en-US')}.50",2026/1/${(i % 28) + 1}\r\n`
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain')
        chunk = ''
      }
    }
    out.end(chunk)
    await finished(out)

    const base = await trellis.listen({ port: 0, host: '127.0.0.1' })
    const url = `${base}/api/apps/bench_import/forms/customers/imports`
    let peak = 0
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
    const started = performance.now()
    const form = new FormData()
    form.append('file', await openAsBlob(file), 'customers.csv')
    const upload = await fetch(url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    })
    const job = (await upload.json()) as { id: string; mapping: Record<string, string> }
    const res = await fetch(`${url}/${job.id}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mapping: job.mapping, keys: ['phone'], policy: { points: 'overwrite' } }),
    })
    const result = (await res.json()) as { inserted: number; updated: number; rejected: number }
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    if (result.inserted + result.updated !== rows || result.rejected) {
      throw new Error(`import bench: unexpected result ${JSON.stringify(result)}`)
    }

    const client = new pg.Client({ connectionString: target.url })
    await client.connect()
    await client.query(`create table bare (name text, phone text, city text, points double precision,
      spent text, birthday text)`)
    const copyStarted = performance.now()
    await client.query(`copy bare from '${file}' with (format csv, header true)`)
    const copySeconds = (performance.now() - copyStarted) / 1000
    await client.end()

    const note = `${rows} rows, 10 % matched by phone and updated; baseline COPY of the same file into a plain table`
    return [
      compare('import (PostgreSQL)', 'rows/s', rows / seconds, rows / copySeconds, true, note),
      compare(
        'import peak RSS',
        'MB',
        peak / 1024 / 1024,
        500,
        false,
        // V8 grows its heap lazily up to its limit, so the limit the run had is part of the figure.
        `baseline: the 500 MB budget; V8 heap limit ${Math.round(getHeapStatistics().heap_size_limit / 1048576)} MB`,
      ),
    ]
  } finally {
    await trellis.close()
    await database.close()
    await target.drop()
    await rm(dir, { recursive: true, force: true })
  }
}
