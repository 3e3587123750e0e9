import { createHmac } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { MessageDispatcher } from '../src/messages/dispatcher.js'
import { transportsFrom } from '../src/messages/transports.js'
import { retentionApp } from './rules-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

interface Mail {
  from: string
  to: string[]
  raw: string
}

/** A real SMTP server (smtp-server, nodemailer's sibling) that keeps what it receives. */
async function smtpSink(): Promise<{ url: string; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** An SMS gateway that answers with the next queued status (200 when none is queued) and keeps each request. */
async function gateway() {
  const requests: Array<{ headers: http.IncomingHttpHeaders; body: string }> = []
  const statuses: number[] = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk))
    request.on('end', () => {
      requests.push({ headers: request.headers, body })
      response.writeHead(statuses.shift() ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/sms`,
    requests,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const secret = 'gateway-shared-secret'

describeEachDatabase('rule messages sent through SMTP and an HTTP SMS gateway', (ctx) => {
  let smtp: Awaited<ReturnType<typeof smtpSink>>
  let sms: Awaited<ReturnType<typeof gateway>>
  const clock = new ManualClock('2026-03-01T02:00:00Z')
  const api = useApi(ctx, async () => {
    smtp = await smtpSink()
    sms = await gateway()
    return {
      messageTransports: transportsFrom({
        smtpUrl: smtp.url,
        smtpFrom: 'Bakery <care@bakery.example>',
        smsUrl: sms.url,
        secret,
      }),
    }
  })
  const messages = async () =>
    (
      await sql<{ channel: string; status: string; attempts: number; last_error: string | null }>`
        select channel, status, attempts, last_error from trellis.messages order by id`.execute(
        ctx.database.db,
      )
    ).rows

  beforeAll(async () => {
    api.app.automation.clock = clock
    const app = retentionApp('mail', [
      {
        key: 'welcome',
        trigger: { kind: 'record', form: 'customers', on: ['created'] },
        actions: [
          {
            type: 'notify',
            channel: 'email',
            to: { var: 'email' },
            subject: { 'zh-CN': '欢迎 {{name}}' },
            body: { 'zh-CN': '{{name}}，欢迎加入会员！' },
          },
          { type: 'notify', channel: 'sms', to: { var: 'phone' }, body: { 'zh-CN': '{{name}}，欢迎光临' } },
          { type: 'notify', channel: 'in_app', to: { var: 'id' }, body: { 'zh-CN': '新会员 {{name}}' } },
        ],
      },
    ])
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/mail/publish', {})).status).toBe(200)
  })
  afterAll(async () => {
    await smtp.close()
    await sms.close()
  })

  it('queues email and SMS in the rule’s transaction and sends each once; in-app messages stay stored', async () => {
    const created = await api.call('POST', '/api/apps/mail/forms/customers/records', {
      values: { name: '陈女士', phone: '13812345678', email: 'chen@example.cn' },
    })
    expect(created.status).toBe(201)
    await api.app.automation.drain()
    expect((await messages()).map((m) => [m.channel, m.status])).toEqual([
      ['email', 'queued'],
      ['sms', 'queued'],
      ['in_app', 'stored'],
    ])

    expect(await api.app.messages.runDue()).toEqual({ sent: 2, retried: 0, failed: 0 })
    expect(await api.app.messages.runDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect((await messages()).map((m) => m.status)).toEqual(['sent', 'sent', 'stored'])

    expect(smtp.mails).toHaveLength(1)
    expect(smtp.mails[0]).toMatchObject({ from: 'care@bakery.example', to: ['chen@example.cn'] })
    expect(smtp.mails[0]!.raw).toMatch(/^Message-ID: <trellis-message-\d+@127\.0\.0\.1>/m)
    expect(smtp.mails[0]!.raw).toContain('Subject: =?UTF-8?')

    expect(sms.requests).toHaveLength(1)
    const request = sms.requests[0]!
    expect(JSON.parse(request.body)).toMatchObject({
      channel: 'sms',
      to: '+8613812345678',
      body: '陈女士，欢迎光临',
    })
    expect(request.headers['idempotency-key']).toMatch(/^message-\d+$/)
    const expected = createHmac('sha256', secret)
      .update(`${request.headers['x-trellis-timestamp']}.${request.body}`)
      .digest('hex')
    expect(request.headers['x-trellis-signature']).toBe(`sha256=${expected}`)
  })

  it('retries a failing gateway with backoff, then marks the message failed after five attempts', async () => {
    await sql`delete from trellis.messages`.execute(ctx.database.db)
    sms.requests.length = 0
    sms.statuses.push(503, 500)
    await api.call('POST', '/api/apps/mail/forms/customers/records', {
      values: { name: '林先生', phone: '13912345678' },
    })
    await api.app.automation.drain()
    expect((await api.app.messages.runDue()).retried).toBe(1)
    expect((await messages()).find((m) => m.channel === 'sms')).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: expect.stringContaining('503'),
    })
    // Not due again before its retry time (10 s after the first attempt).
    expect(await api.app.messages.runDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    clock.advance({ seconds: 10 })
    expect((await api.app.messages.runDue()).retried).toBe(1)
    clock.advance({ seconds: 20 })
    expect((await api.app.messages.runDue()).sent).toBe(1)
    expect((await messages()).find((m) => m.channel === 'sms')).toMatchObject({ status: 'sent', attempts: 3 })
    expect(sms.requests).toHaveLength(3)
    expect(new Set(sms.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1)

    await api.call('POST', '/api/apps/mail/forms/customers/records', {
      values: { name: '坏号码', phone: '13700000000' },
    })
    await api.app.automation.drain()
    sms.statuses.push(500, 500, 500, 500, 500)
    for (let attempt = 1; attempt <= 5; attempt++) {
      await api.app.messages.runDue()
      clock.advance({ hours: 1 })
    }
    const last = (await messages()).filter((m) => m.channel === 'sms').at(-1)
    expect(last).toMatchObject({ status: 'failed', attempts: 5, last_error: expect.stringContaining('500') })
  })

  it('two dispatchers sharing the table send every message exactly once', async () => {
    await sql`delete from trellis.messages`.execute(ctx.database.db)
    sms.requests.length = 0
    for (let i = 0; i < 30; i++)
      await api.call('POST', '/api/apps/mail/forms/customers/records', {
        values: { name: `客户${i}`, phone: `1360000${String(i).padStart(4, '0')}` },
      })
    await api.app.automation.drain()
    const transports = transportsFrom({ smsUrl: sms.url, secret })
    const now = () => clock.now()
    const options = { batch: 7, maxAttempts: 5, leaseMs: 60_000, pollMs: 1000 }
    const one = new MessageDispatcher(ctx.database.db as never, transports, now, options)
    const two = new MessageDispatcher(ctx.database.db as never, transports, now, options)
    for (let round = 0; round < 6; round++) await Promise.all([one.runDue(), two.runDue()])
    const bodies = sms.requests.map((r) => JSON.parse(r.body).id as string)
    expect(bodies).toHaveLength(30)
    expect(new Set(bodies).size).toBe(30)
  })
})
