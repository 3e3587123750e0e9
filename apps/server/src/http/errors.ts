import type { FastifyError, FastifyInstance } from 'fastify'

/** The one error body every endpoint returns: a stable code, a message and, where known, the path. */
export interface ErrorBody {
  code: string
  message: string
  path?: string
  details?: unknown
}

export const errorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    path: { type: 'string' },
    details: {},
  },
} as const

/** Throw this from any service or route: it becomes `{ code, message, path }` with its status. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

/**
 * SQLSTATE 53100 (disk_full): the database could not write for lack of disk space — PGlite's data folder or
 * PostgreSQL's. The statement failed and its transaction rolled back, so nothing was stored; it is the
 * operator's problem, not a bug, and the same request succeeds once space is freed (no restart needed).
 * Drivers may wrap the database error, so the cause chain is searched too.
 */
export function isStorageFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === '53100') return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

/** Turns an ajv instance path (`/body/phone`) into our dotted form (`phone`). */
function toDottedPath(instancePath: string, missingProperty?: string): string | undefined {
  const parts = instancePath.split('/').filter(Boolean)
  if (missingProperty) parts.push(missingProperty)
  return parts.length ? parts.join('.') : undefined
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      const body: ErrorBody = { code: error.code, message: error.message }
      if (error.path) body.path = error.path
      if (error.details !== undefined) body.details = error.details
      return reply.status(error.statusCode).send(body)
    }
    const fastifyError = error as FastifyError
    if (fastifyError.validation) {
      const first = fastifyError.validation[0]
      const params = (first?.params ?? {}) as { missingProperty?: string; additionalProperty?: string }
      const path = toDottedPath(
        first?.instancePath ?? '',
        params.missingProperty ?? params.additionalProperty,
      )
      const body: ErrorBody = {
        code: 'VALIDATION_FAILED',
        message: `${fastifyError.validationContext ?? 'request'}${path ? '.' + path : ''} ${first?.message ?? 'is invalid'}`,
      }
      if (path) body.path = path
      body.details = fastifyError.validation.map((v) => ({
        path: toDottedPath(v.instancePath, (v.params as { missingProperty?: string }).missingProperty),
        message: v.message,
      }))
      return reply.status(400).send(body)
    }
    if (isStorageFull(error)) {
      request.log.error({ err: error }, 'the database disk is full')
      return reply.status(507).send({
        code: 'STORAGE_FULL',
        message: 'The database has no disk space left; nothing was stored. Retry once space is freed.',
      })
    }
    const status = fastifyError.statusCode ?? 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      return reply.status(status).send({ code: 'INTERNAL', message: 'Internal server error' })
    }
    return reply
      .status(status)
      .send({ code: fastifyError.code ?? 'BAD_REQUEST', message: fastifyError.message })
  })
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url}` })
  })
}
