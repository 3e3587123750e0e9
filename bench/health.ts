import autocannon from 'autocannon'
import os from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { buildApp, openDatabase } from '@trellis/server'
import { compare, type Comparison } from './lib/report.js'

/** Requests per second over loopback for `durationSeconds`, after a short warm-up. */
async function throughput(url: string, durationSeconds: number): Promise<number> {
  await autocannon({ url, connections: 10, duration: 1 })
  const result = await autocannon({ url, connections: 10, duration: durationSeconds })
  if (result.non2xx || result.errors)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

/** Trellis' GET /api/health (full plugin stack) vs a bare Fastify route returning the same body. */
export async function run(): Promise<Comparison[]> {
  const database = await openDatabase({})
  const trellis = await buildApp({
    config: {
      designerDir: undefined,
      timeZone: 'Asia/Shanghai',
      dataDir: path.join(os.tmpdir(), 'trellis-bench'),
    },
    database,
  })
  const bare = Fastify()
  bare.get('/api/health', async () => ({ status: 'ok', database: 'pglite' }))
  const trellisUrl = `${await trellis.listen({ port: 0, host: '127.0.0.1' })}/api/health`
  const bareUrl = `${await bare.listen({ port: 0, host: '127.0.0.1' })}/api/health`
  try {
    // Interleave two rounds each so drift on a shared machine hits both sides alike.
    let ours = 0
    let baseline = 0
    for (let round = 0; round < 2; round++) {
      baseline += await throughput(bareUrl, 4)
      ours += await throughput(trellisUrl, 4)
    }
    return [compare('health', 'req/s', ours / 2, baseline / 2, true, 'bare Fastify route, same body')]
  } finally {
    await trellis.close()
    await bare.close()
    await database.close()
  }
}
