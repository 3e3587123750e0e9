import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql, type Kysely } from 'kysely'
import { AppError } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour an `Idempotency-Key` header on this route (see `registerIdempotency`). */
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotencyClaim?: { userId: string; key: string }
  }
}

/** How long a key is remembered: a retry within a day replays, a key reused after that starts afresh. */
const keyLifetime = sql`interval '24 hours'`
const keyPattern = /^[\x21-\x7e]{1,255}$/

interface StoredKey {
  fingerprint: string
  status: number | null
  content_type: string | null
  body: string | null
}

/**
 * `Idempotency-Key` on routes marked `config: { idempotent: true }`: the first request with a key (per
 * user) is answered as usual and its answer stored; a retry with the same key and the same request
 * gets that answer again (header `Idempotent-Replayed: true`) instead of doing the work twice. A retry
 * while the first is still running is a 409; the same key on a different request is a 422. Server
 * errors (5xx) are not stored, so the request can be retried with the same key.
 */
export function registerIdempotency<T>(app: FastifyInstance, db: Kysely<T>): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config.idempotent) return
    const header = request.headers['idempotency-key']
    if (header === undefined || !request.viewer) return
    const key = Array.isArray(header) ? header[0]! : header
    if (!keyPattern.test(key)) {
      throw new AppError(
        400,
        'IDEMPOTENCY_KEY_INVALID',
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
      )
    }
    const userId = String(request.viewer.userId)
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`)
      .digest('base64url')
    await sql`delete from trellis.idempotency_keys
      where user_id = ${userId} and key = ${key} and created_at < now() - ${keyLifetime}`.execute(db)
    const claimed = await sql`insert into trellis.idempotency_keys (user_id, key, fingerprint)
      values (${userId}, ${key}, ${fingerprint}) on conflict do nothing returning key`.execute(db)
    if (claimed.rows.length) {
      request.idempotencyClaim = { userId, key }
      return
    }
    const { rows } = await sql<StoredKey>`select fingerprint, status, content_type, body
      from trellis.idempotency_keys where user_id = ${userId} and key = ${key}`.execute(db)
    const stored = rows[0]
    if (!stored)
      throw new AppError(409, 'IDEMPOTENCY_IN_PROGRESS', 'Retry: this Idempotency-Key was just released')
    if (stored.fingerprint !== fingerprint) {
      throw new AppError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for a different request',
      )
    }
    if (stored.status === null) {
      throw new AppError(
        409,
        'IDEMPOTENCY_IN_PROGRESS',
        'A request with this Idempotency-Key is still running',
      )
    }
    return reply
      .status(stored.status)
      .header('idempotent-replayed', 'true')
      .type(stored.content_type ?? 'application/json; charset=utf-8')
      .send(stored.body)
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim
    if (!claim) return payload
    request.idempotencyClaim = undefined
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await sql`delete from trellis.idempotency_keys
        where user_id = ${claim.userId} and key = ${claim.key}`.execute(db)
    } else {
      const type = reply.getHeader('content-type')
      await sql`update trellis.idempotency_keys
        set status = ${reply.statusCode}, content_type = ${type === undefined ? null : String(type)}, body = ${payload}
        where user_id = ${claim.userId} and key = ${claim.key}`.execute(db)
    }
    return payload
  })
}
