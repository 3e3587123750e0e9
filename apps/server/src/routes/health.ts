import type { FastifyInstance } from 'fastify'
import type { DatabaseKind } from '../db/database.js'

/** Liveness: cheap on purpose (no query), so load balancers can poll it often. */
export function registerHealthRoutes(app: FastifyInstance, databaseKind: DatabaseKind): void {
  const body = { status: 'ok', database: databaseKind } as const
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness check',
        response: {
          200: {
            type: 'object',
            required: ['status', 'database'],
            properties: {
              status: { type: 'string', enum: ['ok'] },
              database: { type: 'string', enum: ['pglite', 'postgresql'] },
            },
          },
        },
      },
    },
    async () => body,
  )
}
