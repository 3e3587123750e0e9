import { createHmac } from 'node:crypto'
import { lookup as dnsLookup } from 'node:dns/promises'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { AddressPolicy } from './address-policy.js'

export interface WebhookRequest {
  url: string
  body: unknown
  headers: Record<string, string>
  timeoutMs: number
  /** Sent as `Idempotency-Key`: a retried delivery carries the same key, so receivers can drop repeats. */
  idempotencyKey: string
}

export interface WebhookResult {
  status: number
  url: string
  redirects: number
}

export class WebhookError extends Error {
  constructor(
    readonly code: 'WEBHOOK_REFUSED' | 'WEBHOOK_FAILED' | 'WEBHOOK_TIMEOUT' | 'WEBHOOK_STATUS',
    message: string,
  ) {
    super(message)
  }
}

const maxRedirects = 3

/**
 * Posts a signed JSON body. The host is resolved once and the connection is made to that very address
 * (the socket's lookup is pinned), so DNS rebinding cannot swap in a private address after the check;
 * every redirect is resolved and checked again, and configured headers (credentials) are dropped as
 * soon as a redirect leaves the configured origin.
 */
export async function deliverWebhook(
  request: WebhookRequest,
  policy: AddressPolicy,
  secret: string | undefined,
  now: Date,
): Promise<WebhookResult> {
  const payload = JSON.stringify(request.body)
  const timestamp = String(Math.floor(now.getTime() / 1000))
  const signed: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': request.idempotencyKey,
    'x-trellis-timestamp': timestamp,
  }
  if (secret)
    signed['x-trellis-signature'] =
      `sha256=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`
  const origin = new URL(request.url).origin
  let url = new URL(request.url)
  const deadline = Date.now() + request.timeoutMs
  for (let redirects = 0; ; redirects++) {
    const headers = url.origin === origin ? { ...request.headers, ...signed } : signed
    const address = await resolveAllowed(url, policy)
    const response = await post(url, address, headers, payload, Math.max(1, deadline - Date.now()))
    if (response.status >= 300 && response.status < 400 && response.location) {
      if (redirects >= maxRedirects)
        throw new WebhookError('WEBHOOK_FAILED', `More than ${maxRedirects} redirects`)
      url = new URL(response.location, url)
      continue
    }
    if (response.status < 200 || response.status >= 300)
      throw new WebhookError('WEBHOOK_STATUS', `${url.host} answered ${response.status}`)
    return { status: response.status, url: url.toString(), redirects }
  }
}

async function resolveAllowed(url: URL, policy: AddressPolicy): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new WebhookError('WEBHOOK_REFUSED', `Only http and https URLs are called, not ${url.protocol}`)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const addresses = net.isIP(host)
    ? [{ address: host, family: net.isIPv6(host) ? 6 : 4 }]
    : await dnsLookup(host, { all: true, verbatim: true }).catch(() => {
        throw new WebhookError('WEBHOOK_FAILED', `${host} does not resolve`)
      })
  // Every address the name resolves to must pass, or an attacker could rely on which one is picked.
  for (const { address } of addresses) {
    const refusal = policy.refusal(address)
    if (refusal) throw new WebhookError('WEBHOOK_REFUSED', `${url.host}: ${refusal}`)
  }
  const first = addresses[0]
  if (!first) throw new WebhookError('WEBHOOK_FAILED', `${host} does not resolve`)
  return { address: first.address, family: first.family === 6 ? 6 : 4 }
}

function post(
  url: URL,
  pinned: { address: string; family: 4 | 6 },
  headers: Record<string, string>,
  payload: string,
  timeoutMs: number,
): Promise<{ status: number; location?: string }> {
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
        timeout: timeoutMs,
        // Connect to the address that was checked, whatever DNS says now (TLS still verifies the name).
        lookup: (_host, options, callback) => {
          if ((options as { all?: boolean }).all)
            callback(null, [{ address: pinned.address, family: pinned.family }])
          else (callback as (e: null, a: string, f: number) => void)(null, pinned.address, pinned.family)
        },
      },
      (res) => {
        res.resume()
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
          }),
        )
      },
    )
    req.on('timeout', () =>
      req.destroy(new WebhookError('WEBHOOK_TIMEOUT', `${url.host} did not answer in ${timeoutMs} ms`)),
    )
    req.on('error', (error) =>
      reject(
        error instanceof WebhookError
          ? error
          : new WebhookError('WEBHOOK_FAILED', `${url.host}: ${error.message}`),
      ),
    )
    req.end(payload)
  })
}
