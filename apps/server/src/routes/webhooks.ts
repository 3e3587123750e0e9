import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import { requireAdmin } from '../auth/authenticate.js'
import type { AppService } from '../apps/app-service.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { AppError } from '../http/errors.js'
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js'
import { anyObject, appParams, recordId } from './schemas.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Delivers outbox record events to webhooks (tests call `runOnce`). */
    webhooks: WebhookDispatcher
  }
}

const hookParams = {
  type: 'object',
  required: ['app', 'id'],
  properties: { ...appParams.properties, id: recordId },
} as const
const topics = ['record.created', 'record.updated', 'record.deleted', 'record.restored'] as const

/** Outbound webhooks of an app (admins): subscribe a URL to record events, read its delivery log. */
export function registerWebhookRoutes(
  app: FastifyInstance,
  deps: { apps: AppService; db: Kysely<PlatformTables> },
): void {
  const db = deps.db as unknown as DynamicDb
  const dispatcher = new WebhookDispatcher(db)
  app.decorate('webhooks', dispatcher)
  app.addHook('onClose', async () => dispatcher.stop())
  const tags = ['webhooks']

  app.post<{ Params: { app: string }; Body: { url: string; topics?: string[] } }>(
    '/api/apps/:app/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to record events of the app; answers the signing secret (shown once)',
        params: appParams,
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            url: { type: 'string', maxLength: 2000, pattern: '^https?://' },
            topics: {
              type: 'array',
              items: { type: 'string', enum: [...topics] },
              uniqueItems: true,
              default: [],
            },
          },
        },
        response: { 201: anyObject },
      },
    },
    async (request, reply) => {
      requireAdmin(request)
      await deps.apps.requirePublished(request.params.app)
      try {
        new URL(request.body.url)
      } catch {
        throw new AppError(400, 'WEBHOOK_URL_INVALID', 'Not a URL', 'url')
      }
      const secret = `whsec_${randomBytes(24).toString('base64url')}`
      const { rows } = await sql<{ id: string }>`insert into trellis.webhooks (app_key, url, secret, topics)
        values (${request.params.app}, ${request.body.url}, ${secret}, ${request.body.topics ?? []}::text[])
        returning id::text as id`.execute(db)
      return reply
        .status(201)
        .send({ id: rows[0]!.id, url: request.body.url, topics: request.body.topics ?? [], secret })
    },
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/webhooks',
    { schema: { tags, summary: 'The webhooks of the app (without secrets)', params: appParams } },
    async (request) => {
      requireAdmin(request)
      const { rows } = await sql`select id::text as id, url, topics, active, created_at
        from trellis.webhooks where app_key = ${request.params.app} order by id`.execute(db)
      return { webhooks: rows }
    },
  )

  app.delete<{ Params: { app: string; id: string } }>(
    '/api/apps/:app/webhooks/:id',
    { schema: { tags, summary: 'Remove a webhook and its delivery log', params: hookParams } },
    async (request, reply) => {
      requireAdmin(request)
      const { rows } = await sql`delete from trellis.webhooks where id = ${request.params.id}
        and app_key = ${request.params.app} returning id`.execute(db)
      if (!rows.length) throw new AppError(404, 'WEBHOOK_NOT_FOUND', 'No such webhook')
      return reply.status(204).send()
    },
  )

  app.get<{ Params: { app: string; id: string } }>(
    '/api/apps/:app/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The last 100 deliveries of a webhook: event, attempts, last answer or error, next attempt',
        params: hookParams,
      },
    },
    async (request) => {
      requireAdmin(request)
      const { rows } =
        await sql`select d.id::text as id, d.outbox_id::text as event, d.topic, d.status, d.attempts,
          d.last_status, d.last_error, d.next_attempt_at, d.delivered_at, d.created_at
        from trellis.webhook_deliveries d join trellis.webhooks w on w.id = d.webhook_id
        where w.id = ${request.params.id} and w.app_key = ${request.params.app}
        order by d.id desc limit 100`.execute(db)
      return { deliveries: rows }
    },
  )
}
