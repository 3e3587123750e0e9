import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * helmet's headers, computed once. With no per-request nonces or directive functions, helmet writes the
 * same headers on every response; running its middleware per request cost ~4 % of a record write's CPU.
 * helmet stays the authority on which headers and values are right; we only cache its answer.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  }
  let done = false
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => (done = true))
  if (!done) throw new Error('helmet did not finish synchronously: options need a per-request middleware')
  return headers
}

export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const headers = securityHeaders(options)
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}
