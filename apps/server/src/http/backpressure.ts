import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import { AppError } from './errors.js'

/** Seconds a client is asked to wait before retrying a request refused under load. */
export const retryAfterSeconds = 5

/**
 * Under overload, refuse early instead of queueing: once the event loop lags more than `maxEventLoopDelayMs`
 * (sampled every 250 ms by @fastify/under-pressure), requests get 503 with `Retry-After` and our error body,
 * so a load balancer or client backs off while the requests already accepted finish in time. Liveness
 * (`/api/health`) still answers: the process is alive, only busy.
 */
export async function registerBackpressure(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    sampleInterval: 250,
    retryAfter: retryAfterSeconds,
    pressureHandler: (request, reply) => {
      if (request.url === '/api/health') return undefined
      void reply.header('Retry-After', String(retryAfterSeconds))
      // A rejected promise reaches our error handler, which answers in the usual { code, message } shape.
      return Promise.reject(
        new AppError(503, 'SERVER_BUSY', `The server is overloaded; retry in ${retryAfterSeconds} seconds`),
      )
    },
  })
}
