import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Database } from '../db/database.js'
import { pendingMigrations } from '../db/migrate.js'

const readiness = {
  type: 'object',
  required: ['status', 'database', 'pendingMigrations'],
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    database: { type: 'string', enum: ['pglite', 'postgresql'] },
    pendingMigrations: { type: 'array', items: { type: 'string' } },
    reason: { type: 'string' },
  },
} as const

/**
 * Work a process does after it starts listening that it must finish before taking traffic (the first
 * start's template install): while any is held, readiness answers 503 with its reason.
 */
export class StartupWork {
  private readonly held = new Set<string>()

  /** Holds readiness while `work` runs; released however it ends. */
  async during<T>(reason: string, work: () => Promise<T>): Promise<T> {
    this.held.add(reason)
    try {
      return await work()
    } finally {
      this.held.delete(reason)
    }
  }

  get pending(): string | undefined {
    return this.held.values().next().value
  }
}

/**
 * Liveness (`/api/health`): cheap on purpose (no query), so load balancers can poll it often.
 * Readiness (`/api/health/ready`): the database answers and every platform migration is applied, so a
 * process started before (or during) an upgrade's migration takes no traffic until the schema is right,
 * and no work held by `startup` (a first start's template install: requests written meanwhile would
 * collide with its records) is still running.
 */
export function registerHealthRoutes(app: FastifyInstance, database: Database, startup: StartupWork): void {
  const body = { status: 'ok', database: database.kind } as const
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

  app.get(
    '/api/health/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: database reachable and migrated',
        // A 503 body is this shape, or under backpressure the usual { code, message } error: any object.
        response: { 200: readiness, 503: { type: 'object', additionalProperties: true } },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(database.db)
        const pending = await pendingMigrations(database.db)
        const reason = startup.pending ?? (pending.length ? 'migrations pending' : undefined)
        if (reason) {
          return reply
            .status(503)
            .send({ status: 'unavailable', database: database.kind, pendingMigrations: pending, reason })
        }
        return { status: 'ready', database: database.kind, pendingMigrations: [] }
      } catch (error) {
        return reply.status(503).send({
          status: 'unavailable',
          database: database.kind,
          pendingMigrations: [],
          reason: `database unreachable: ${(error as Error).message}`,
        })
      }
    },
  )
}
