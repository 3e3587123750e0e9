import { createHmac } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AddressPolicy } from '../src/automation/address-policy.js'
import { deliverWebhook, WebhookError } from '../src/automation/webhook.js'

interface Received {
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

/** A local receiver; `route` decides the answer (status and optional redirect). */
async function receiver(route: (url: string) => { status: number; location?: string }) {
  const received: Received[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body })
      const answer = route(req.url ?? '')
      res.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const now = new Date('2025-05-01T00:00:00Z')
const send = (url: string, policy: AddressPolicy, headers: Record<string, string> = {}) =>
  deliverWebhook(
    { url, body: { hello: '世界' }, headers, timeoutMs: 2000, idempotencyKey: 'shop/r/1/event:9' },
    policy,
    'top-secret',
    now,
  )

describe('webhook address policy', () => {
  const strict = new AddressPolicy()

  it.each([
    'http://127.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://[::1]/hook',
    'http://10.0.0.8/hook',
    'http://192.168.1.1/hook',
    'http://172.20.0.1/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://0.0.0.0/hook',
    'http://localhost/hook',
  ])('refuses %s before connecting', async (url) => {
    const error = await send(url, strict).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WebhookError)
    expect((error as WebhookError).code).toBe('WEBHOOK_REFUSED')
  })

  it('refuses other schemes', async () => {
    const error = await send('ftp://example.com/x', strict).catch((e: unknown) => e)
    expect((error as WebhookError).code).toBe('WEBHOOK_REFUSED')
  })

  it('lets public addresses through the check', () => {
    expect(strict.refusal('8.8.8.8')).toBeUndefined()
    expect(strict.refusal('2400:3200::1')).toBeUndefined()
    expect(strict.refusal('::ffff:8.8.8.8')).toBeDefined()
  })
})

describe('webhook delivery to an allow-listed receiver', () => {
  const allowLoopback = new AddressPolicy(['127.0.0.1'])
  let hooks: Awaited<ReturnType<typeof receiver>>
  let other: Awaited<ReturnType<typeof receiver>>

  beforeAll(async () => {
    other = await receiver(() => ({ status: 200 }))
    hooks = await receiver((url) => {
      if (url === '/to-metadata') return { status: 302, location: 'http://169.254.169.254/latest/meta-data/' }
      if (url === '/to-private') return { status: 307, location: 'http://10.1.2.3/x' }
      if (url === '/to-mapped') return { status: 307, location: 'http://[::ffff:a01:203]/x' }
      if (url === '/to-other') return { status: 307, location: `http://127.0.0.1:${other.port}/landing` }
      if (url === '/fail') return { status: 503 }
      return { status: 204 }
    })
  })
  afterAll(async () => {
    await hooks.close()
    await other.close()
  })

  it('signs the body with HMAC-SHA256 over timestamp and body, with an idempotency key', async () => {
    const result = await send(`http://127.0.0.1:${hooks.port}/ok`, allowLoopback, {
      authorization: 'Bearer k',
    })
    expect(result.status).toBe(204)
    const got = hooks.received.at(-1)!
    expect(JSON.parse(got.body)).toEqual({ hello: '世界' })
    const ts = got.headers['x-trellis-timestamp'] as string
    expect(ts).toBe(String(now.getTime() / 1000))
    const expected = createHmac('sha256', 'top-secret').update(`${ts}.${got.body}`).digest('hex')
    expect(got.headers['x-trellis-signature']).toBe(`sha256=${expected}`)
    expect(got.headers['idempotency-key']).toBe('shop/r/1/event:9')
    expect(got.headers.authorization).toBe('Bearer k')
  })

  it.each(['/to-metadata', '/to-private', '/to-mapped'])(
    're-checks the redirect %s and refuses it',
    async (path) => {
      const error = await send(`http://127.0.0.1:${hooks.port}${path}`, allowLoopback).catch(
        (e: unknown) => e,
      )
      expect((error as WebhookError).code).toBe('WEBHOOK_REFUSED')
    },
  )

  it('never forwards configured credentials to another origin after a redirect', async () => {
    await send(`http://127.0.0.1:${hooks.port}/to-other`, allowLoopback, { authorization: 'Bearer k' })
    const landed = other.received.at(-1)!
    expect(landed.url).toBe('/landing')
    expect(landed.headers.authorization).toBeUndefined()
  })

  it('treats a non-2xx answer as a failure to retry', async () => {
    const error = await send(`http://127.0.0.1:${hooks.port}/fail`, allowLoopback).catch((e: unknown) => e)
    expect((error as WebhookError).code).toBe('WEBHOOK_STATUS')
  })
})
