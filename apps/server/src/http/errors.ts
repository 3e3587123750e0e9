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
