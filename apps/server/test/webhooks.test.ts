import { createHmac } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
}

describeEachDatabase('outbound webhooks', (ctx) => {
  const api = useApi(ctx)
  const received: Received[] = []
  // What the receiver answers next (then 200).
  const answers: number[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.statusCode = answers.shift() ?? 200
      res.end()
    })
  })
  let url = ''
  let hook: { id: string; secret: string }

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    // buildApp starts no background loop: the test drives deliveries itself with runOnce.
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  it('delivers a record event, signed with the webhook secret', async () => {
    const res = await api.call('POST', '/api/apps/shop/webhooks', { url, topics: ['record.created'] })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    hook = res.body
    expect(hook.secret).toMatch(/^whsec_/)
    const created = await api.call('POST', '/api/apps/shop/forms/customers/records', {
      values: { name: '钩子', phone: '13800138000' },
    })
    await api.app.webhooks.runOnce()
    expect(received).toHaveLength(1)
    const [delivery] = received
    const body = JSON.parse(delivery!.body)
    expect(body).toMatchObject({
      topic: 'record.created',
      data: { app: 'shop', form: 'customers', id: created.body.id, after: { name: '钩子' } },
    })
    expect(delivery!.headers['x-trellis-event']).toBe('record.created')
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery!.headers['x-trellis-signature']))!
    expect(v1).toBe(createHmac('sha256', hook.secret).update(`${t}.${delivery!.body}`).digest('hex'))
    // Secrets are not listed.
    const list = await api.call('GET', '/api/apps/shop/webhooks')
    expect(list.body.webhooks).toEqual([
      expect.objectContaining({ id: hook.id, url, topics: ['record.created'] }),
    ])
    expect(JSON.stringify(list.body)).not.toContain(hook.secret)
  })

  it('retries a failed delivery with backoff and logs every attempt; other topics are not sent', async () => {
    received.length = 0
    answers.push(500)
    await api.call('POST', '/api/apps/shop/forms/customers/records', { values: { name: '重试钩子' } })
    const now = new Date()
    await api.app.webhooks.runOnce(now)
    expect(received).toHaveLength(1)
    let log = (await api.call('GET', `/api/apps/shop/webhooks/${hook.id}/deliveries`)).body.deliveries
    expect(log[0]).toMatchObject({ status: 'pending', attempts: 1, last_status: 500, last_error: 'HTTP 500' })
    // Not yet due: nothing is sent again.
    await api.app.webhooks.runOnce(new Date(now.getTime() + 5_000))
    expect(received).toHaveLength(1)
    await api.app.webhooks.runOnce(new Date(now.getTime() + 11_000))
    expect(received).toHaveLength(2)
    expect(received[1]!.headers['x-trellis-delivery']).toBe(received[0]!.headers['x-trellis-delivery'])
    log = (await api.call('GET', `/api/apps/shop/webhooks/${hook.id}/deliveries`)).body.deliveries
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 2, last_status: 200, last_error: null })

    // An update is not a subscribed topic.
    const record = (await api.call('GET', `/api/apps/shop/forms/customers/records?limit=1`)).body.records[0]
    await api.call('PATCH', `/api/apps/shop/forms/customers/records/${record.id}`, {
      version: record.version,
      values: { note: '改' },
    })
    await api.app.webhooks.runOnce(new Date(now.getTime() + 20_000))
    expect(received).toHaveLength(2)
    expect((await api.call('DELETE', `/api/apps/shop/webhooks/${hook.id}`)).status).toBe(204)
  })
})
