import type { FastifyInstance } from 'fastify'
import { auditOfRecords, importCreatedAction } from '../audit/record-audit.js'
import { sql, type Kysely } from 'kysely'
import { requireAdmin } from '../auth/authenticate.js'
import type { PlatformTables } from '../db/tables.js'
import { recordContext } from '../http/actor.js'
import { consentChannels, PrivacyService, type ConsentChannel } from '../privacy/privacy-service.js'
import type { RecordsService } from '../records/records-service.js'

const recordParams = {
  type: 'object',
  required: ['app', 'form', 'id'],
  properties: {
    app: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
    form: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
    id: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
  },
} as const
type RecordParams = { app: string; form: string; id: string }
const consentSchema = {
  type: 'object',
  properties: {
    current: { type: 'object', additionalProperties: true },
    history: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const

/** Audit log queries, consent history, data-subject export and erasure. */
export function registerPrivacyRoutes(
  app: FastifyInstance,
  db: Kysely<PlatformTables>,
  privacy: PrivacyService,
  records: RecordsService,
): void {
  app.get<{
    Querystring: {
      actor?: string
      app?: string
      form?: string
      record?: string
      action?: string
      from?: string
      to?: string
      before?: string
      limit?: number
    }
  }>(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The append-only audit log, newest first, filterable by actor, record and time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            actor: { type: 'string', maxLength: 100 },
            app: { type: 'string', maxLength: 64 },
            form: { type: 'string', maxLength: 64 },
            record: { type: 'string', maxLength: 64 },
            action: { type: 'string', maxLength: 64 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            before: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,18}$',
              description: 'entries with a smaller id (paging)',
            },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { entries: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
        },
      },
    },
    async (request) => {
      requireAdmin(request, 'users:admin')
      const q = request.query
      const where = [sql`true`]
      if (q.actor) where.push(sql`actor = ${q.actor}`)
      if (q.app) where.push(sql`app_key = ${q.app}`)
      if (q.form) where.push(sql`form_key = ${q.form}`)
      // A record's entries include the import batch that created it (its id in `after.ids`).
      if (q.record)
        where.push(
          q.form
            ? auditOfRecords(q.form, [q.record])
            : sql`(record_id = ${q.record} or (action = ${sql.lit(importCreatedAction)} and (after -> 'ids') ? ${q.record}))`,
        )
      if (q.action) where.push(sql`action = ${q.action}`)
      if (q.from) where.push(sql`at >= ${q.from}::timestamptz`)
      if (q.to) where.push(sql`at < ${q.to}::timestamptz`)
      if (q.before) where.push(sql`id < ${q.before}::bigint`)
      const { rows } = await sql<
        Record<string, unknown>
      >`select id::text, at, actor, app_key, form_key, record_id, action, before, after
        from trellis.audit_log as a where ${sql.join(where, sql` and `)} order by a.id desc limit ${q.limit ?? 100}`.execute(
        db,
      )
      return { entries: rows.map((r) => ({ ...r, at: new Date(r.at as string).toISOString() })) }
    },
  )

  app.get<{ Params: RecordParams; Querystring: { format?: 'json' | 'csv' } }>(
    '/api/apps/:app/forms/:form/records/:id/subject-export',
    {
      schema: {
        tags: ['privacy'],
        summary:
          'Everything held about one person (their record, records pointing at it, consents, audit) as JSON or CSV',
        params: recordParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['json', 'csv'] } },
        },
      },
    },
    async (request, reply) => {
      const admin = requireAdmin(request, 'users:admin')
      const { app: appKey, form, id } = request.params
      const exported = await privacy.export(appKey, form, id, admin.username)
      const name = `${appKey}-${form}-${id}`
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(PrivacyService.toCsv(exported))
      }
      return reply.header('content-disposition', `attachment; filename="${name}.json"`).send(exported)
    },
  )

  app.post<{ Params: RecordParams; Body: { confirm: true } }>(
    '/api/apps/:app/forms/:form/records/:id/erase',
    {
      schema: {
        tags: ['privacy'],
        summary:
          'Erase a person: blank every pii field of their record and the records pointing at it; aggregates stay',
        params: recordParams,
        body: {
          type: 'object',
          required: ['confirm'],
          additionalProperties: false,
          properties: { confirm: { const: true } },
        },
        response: {
          200: { type: 'object', properties: { erased: { type: 'object', additionalProperties: true } } },
        },
      },
    },
    async (request) => {
      const admin = requireAdmin(request, 'users:admin')
      const { app: appKey, form, id } = request.params
      return privacy.erase(appKey, form, id, admin.username)
    },
  )

  app.get<{ Params: RecordParams }>(
    '/api/apps/:app/forms/:form/records/:id/consents',
    { schema: { tags: ['privacy'], params: recordParams, response: { 200: consentSchema } } },
    async (request) => {
      const { app: appKey, form, id } = request.params
      // Only someone who may see the record may see its consents.
      await records.get(appKey, form, id, {}, recordContext(request, 'records:read'))
      return privacy.consentHistory(appKey, form, id)
    },
  )

  app.post<{ Params: RecordParams; Body: { channel: ConsentChannel; granted: boolean; source: string } }>(
    '/api/apps/:app/forms/:form/records/:id/consents',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Record a grant or withdrawal of marketing consent for one channel, with its source',
        params: recordParams,
        body: {
          type: 'object',
          required: ['channel', 'granted', 'source'],
          additionalProperties: false,
          properties: {
            channel: { type: 'string', enum: [...consentChannels] },
            granted: { type: 'boolean' },
            source: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 200: consentSchema },
      },
    },
    async (request) => {
      const { app: appKey, form, id } = request.params
      const ctx = recordContext(request, 'records:write')
      await records.get(appKey, form, id, {}, ctx)
      return privacy.recordConsent(appKey, form, id, request.body, ctx.actor)
    },
  )
}
