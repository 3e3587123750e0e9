import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { tokenScopes } from '../src/auth/user-service.js'
import { importFaults } from '../src/imports/run-import.js'
import { describeEachDatabase } from './support/databases.js'
import { multipart } from './support/multipart.js'
import { shopApp } from './support/shop-app.js'
import { tmpDataDir } from './support/tmp.js'

const base = '/api/apps/shop/forms/customers'

/** 5,000 customers without a business key (a second pass would duplicate every one), two bad rows. */
function customersCsv(prefix: string, phonePrefix: string): string {
  const lines = ['姓名,手机']
  for (let i = 1; i <= 5000; i++) {
    if (i === 3)
      lines.push(`,${phonePrefix}${String(i).padStart(4, '0')}`) // no name: rejected when written
    else if (i === 5)
      lines.push(`${prefix}坏号,12345`) // unreadable phone: rejected when read
    else lines.push(`${prefix}${i},${phonePrefix}${String(i).padStart(4, '0')}`)
  }
  return lines.join('\n')
}

interface SseEvent {
  type: string
  data: Record<string, unknown>
}
function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [event, data] = block.split('\n')
      return { type: event!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) }
    })
}

describeEachDatabase('imports: progress over SSE and resumable runs', (ctx) => {
  const dataDir = tmpDataDir()
  let app: FastifyInstance
  let headers: Record<string, string>
  // A server process over the same database and data folder; a second boot is the restart after a crash.
  const boot = async () => {
    app = await buildApp({
      config: { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir },
      database: ctx.database,
    })
  }
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers,
      ...(body === undefined ? {} : { payload: body as object }),
    })
    const json = String(res.headers['content-type'] ?? '').includes('json')
    return { status: res.statusCode, body: json ? JSON.parse(res.body) : res.body }
  }
  const upload = async (text: string) => {
    const body = multipart('customers.csv', 'text/csv', Buffer.from(text))
    const res = await app.inject({
      method: 'POST',
      url: `${base}/imports`,
      payload: body.payload,
      headers: { ...body.headers, ...headers },
    })
    return JSON.parse(res.body) as { id: string }
  }
  const count = async (prefix: string) =>
    (
      await call(
        'GET',
        `${base}/records/count?filter=${encodeURIComponent(JSON.stringify({ starts_with: [{ var: 'name' }, prefix] }))}`,
      )
    ).body.count as number

  beforeAll(async () => {
    await boot()
    const admin = await app.trellis.users.create({
      username: 'resume_admin',
      password: 'admin-password',
      isAdmin: true,
    })
    const token = await app.trellis.users.createToken(admin.id, { name: 't', scopes: [...tokenScopes] })
    headers = { authorization: `Bearer ${token.token}` }
    await call('POST', '/api/apps', shopApp())
    expect((await call('POST', '/api/apps/shop/publish', {})).status).toBe(200)
  })
  afterAll(async () => {
    importFaults.afterBatch = undefined
    await app?.close()
  })

  it('streams the progress of a run: reading, writing done/total with rate and ETA, then the result', async () => {
    const job = await upload(customersCsv('进度', '1370000'))
    // The follower connects first and waits for the run; it ends with the run.
    const following = app.inject({ method: 'GET', url: `${base}/imports/${job.id}/progress`, headers })
    const run = await call('POST', `${base}/imports/${job.id}/run`, { mapping: { 0: 'name', 1: 'phone' } })
    expect(run.body).toMatchObject({ rows: 5000, inserted: 4998, rejected: 2 })
    const res = await following
    expect(res.headers['content-type']).toContain('text/event-stream')
    const events = parseSse(res.body)
    expect(events[0]).toEqual({ type: 'started', data: { resumedFrom: 0 } })
    expect(events.filter((e) => e.data.phase === 'reading').map((e) => e.data.rows)).toEqual([5000, 5000])
    const writing = events.filter((e) => e.data.phase === 'writing')
    expect(writing.map((e) => [e.data.done, e.data.total])).toEqual([
      [2000, 4999],
      [4000, 4999],
      [4999, 4999],
    ])
    expect(writing.at(-1)!.data).toMatchObject({ etaSeconds: 0 })
    expect(writing.every((e) => typeof e.data.rate === 'number')).toBe(true)
    expect(events.at(-1)).toEqual({ type: 'done', data: { result: run.body } })
    // Connecting after the end replays the run and ends at once.
    const late = await app.inject({ method: 'GET', url: `${base}/imports/${job.id}/progress`, headers })
    expect(parseSse(late.body)).toEqual(events)
  })

  it('a resumable run killed between batches keeps its committed batches and resumes without duplicates', async () => {
    const job = await upload(customersCsv('续传', '1360000'))
    importFaults.afterBatch = (done) => {
      if (done === 2000) throw new Error('simulated crash after the first batch')
    }
    const crashed = await call('POST', `${base}/imports/${job.id}/run`, {
      mapping: { 0: 'name', 1: 'phone' },
      resumable: true,
    })
    importFaults.afterBatch = undefined
    expect(crashed.status).toBe(500)
    // The first batch (2,000 distinct records, one of them rejected for its missing name) is committed.
    expect(await count('续传')).toBe(1999)

    // The process restarts: nothing of the run is left in memory, only the checkpoint and the file.
    await app.close()
    await boot()
    const status = await call('GET', `${base}/imports/${job.id}`)
    expect(status.body).toMatchObject({
      state: 'interrupted',
      checkpoint: { entriesDone: 2000, inserted: 1999 },
    })
    const follow = await app.inject({ method: 'GET', url: `${base}/imports/${job.id}/progress`, headers })
    expect(parseSse(follow.body)).toEqual([
      { type: 'failed', data: { code: 'IMPORT_INTERRUPTED', message: expect.any(String) } },
    ])
    // Running it again from the start is refused: that would duplicate the first batch.
    const again = await call('POST', `${base}/imports/${job.id}/run`, {
      mapping: { 0: 'name', 1: 'phone' },
      resumable: true,
    })
    expect(again).toMatchObject({ status: 409, body: { code: 'IMPORT_INTERRUPTED' } })

    const resumed = await call('POST', `${base}/imports/${job.id}/resume`)
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200)
    expect(resumed.body).toMatchObject({ rows: 5000, inserted: 4998, updated: 0, rejected: 2 })
    expect(resumed.body.rejections.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [6, 'import.invalid_phone'],
      [4, 'field.required'],
    ])
    expect(await count('续传')).toBe(4998)
    const rejected = await call('GET', `${base}/imports/${job.id}/rejected.csv`)
    expect(String(rejected.body).trim().split('\n')).toHaveLength(3)
    expect((await call('GET', `${base}/imports/${job.id}`)).body).toMatchObject({ state: 'done' })
    expect((await call('POST', `${base}/imports/${job.id}/resume`)).body.code).toBe('IMPORT_NOT_INTERRUPTED')
  })
})
