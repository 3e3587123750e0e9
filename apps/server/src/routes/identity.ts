import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { AccessService } from '../auth/access-service.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { recordContext } from '../http/actor.js'
import { findDuplicates, mergeRecords } from '../imports/identity.js'
import { anyObject, formParams, recordParams } from './schemas.js'

type FormParams = { app: string; form: string }
interface MergeBody {
  version: number
  from: string
  fromVersion: number
  values?: Record<string, unknown>
}

/** Identity resolution: probable duplicates of a form's records, and merging two of them. */
export function registerIdentityRoutes(
  app: FastifyInstance,
  deps: { apps: AppService; access: AccessService; db: Kysely<PlatformTables> },
): void {
  const tags = ['identity']
  const db = deps.db as unknown as DynamicDb

  app.get<{ Params: FormParams; Querystring: { fields: string } }>(
    '/api/apps/:app/forms/:form/duplicates',
    {
      schema: {
        tags,
        summary:
          'Groups of records whose fields (comma-separated, e.g. phone or name,address) match once normalized',
        params: formParams,
        querystring: {
          type: 'object',
          required: ['fields'],
          properties: { fields: { type: 'string', pattern: '^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*){0,3}$' } },
        },
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const ctx = recordContext(request, 'records:read')
      const published = await deps.apps.requirePublished(request.params.app)
      const form = published.form(request.params.form)
      const access = (await deps.access.resolver(published, ctx.viewer))(form)
      const groups = await findDuplicates(db, published, form, access, request.query.fields.split(','))
      return { groups }
    },
  )

  app.post<{ Params: FormParams & { id: string }; Body: MergeBody }>(
    '/api/apps/:app/forms/:form/records/:id/merge',
    {
      schema: {
        tags,
        summary:
          'Merge record `from` into this one: related records move here, empty fields are filled, `from` goes to the trash; audited',
        params: recordParams,
        body: {
          type: 'object',
          required: ['version', 'from', 'fromVersion'],
          additionalProperties: false,
          properties: {
            version: { type: 'integer', minimum: 1 },
            from: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
            fromVersion: { type: 'integer', minimum: 1 },
            values: { type: 'object', description: 'values chosen in review for the survivor' },
          },
        },
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const ctx = recordContext(request, 'records:write')
      const published = await deps.apps.requirePublished(request.params.app)
      const form = published.form(request.params.form)
      const accessOf = await deps.access.resolver(published, ctx.viewer)
      const body = request.body
      return mergeRecords(
        db,
        published,
        form,
        accessOf,
        {
          survivorId: request.params.id,
          survivorVersion: body.version,
          loserId: body.from,
          loserVersion: body.fromVersion,
          ...(body.values ? { values: body.values } : {}),
        },
        ctx,
      )
    },
  )
}
