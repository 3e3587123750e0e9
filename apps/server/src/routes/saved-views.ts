import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { AccessService } from '../auth/access-service.js'
import type { Viewer } from '../auth/viewer.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { recordContext } from '../http/actor.js'
import { AppError } from '../http/errors.js'
import { formParams, recordId } from './schemas.js'

export interface SavedViewDeps {
  apps: AppService
  access: AccessService
  db: Kysely<PlatformTables>
}

interface ViewRow {
  id: string
  name: string
  owner_id: string
  owner: string
  shared_role: string | null
  spec: unknown
  version: number
  updated_at: Date | string
}

interface ViewBody {
  name: string
  spec: Record<string, unknown>
  /** Share with every member of this role (a member may share only with their own role); null: private. */
  sharedRole?: string | null
}

const roleKey = { type: ['string', 'null'], pattern: '^[a-z][a-z0-9_]{0,62}$' } as const
/** Columns, sort, filter, grouping: the client's state, opaque here; bounded in size. */
const spec = { type: 'object', additionalProperties: true, maxProperties: 20 } as const
const viewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string' },
    mine: { type: 'boolean' },
    sharedRole: { type: ['string', 'null'] },
    spec: { type: 'object', additionalProperties: true },
    version: { type: 'integer' },
    updatedAt: { type: 'string' },
  },
} as const
const body = {
  type: 'object',
  required: ['name', 'spec'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, spec, sharedRole: roleKey },
} as const
const viewParams = {
  type: 'object',
  required: ['app', 'form', 'id'],
  properties: { ...formParams.properties, id: recordId },
} as const

const toJson = (row: ViewRow, viewer: Viewer) => ({
  id: String(row.id),
  name: row.name,
  owner: row.owner,
  mine: String(row.owner_id) === viewer.userId,
  sharedRole: row.shared_role,
  spec: row.spec,
  version: row.version,
  updatedAt: new Date(row.updated_at).toISOString(),
})

/**
 * Saved views of a form's record table: each user's own, plus those shared with their role. Only members
 * who may read the form see or save views of it; only the owner (or an administrator) changes one.
 */
export function registerSavedViewRoutes(app: FastifyInstance, deps: SavedViewDeps): void {
  const db = deps.db as unknown as DynamicDb
  const base = '/api/apps/:app/forms/:form/views'
  const tags = ['records']

  /** The viewer's role (null for administrators), after checking they may read the form. */
  async function roleFor(appKey: string, formKey: string, viewer: Viewer | undefined) {
    const published = await deps.apps.requirePublished(appKey)
    const accessOf = await deps.access.resolver(published, viewer)
    accessOf(published.form(formKey)).require('read')
    if (!viewer) throw new AppError(401, 'UNAUTHENTICATED', 'Log in first')
    return { viewer, role: viewer.isAdmin ? null : ((await deps.access.roleOf(appKey, viewer)) ?? null) }
  }

  function checkShare(sharedRole: string | null | undefined, role: string | null, viewer: Viewer) {
    if (sharedRole && !viewer.isAdmin && sharedRole !== role)
      throw new AppError(403, 'FORBIDDEN', 'You may share a view only with your own role', 'sharedRole')
  }

  async function owned(appKey: string, formKey: string, id: string, viewer: Viewer): Promise<ViewRow> {
    const { rows } = await sql<ViewRow>`select * from trellis.saved_views
      where id = ${id} and app_key = ${appKey} and form_key = ${formKey}`.execute(db)
    const row = rows[0]
    if (!row || (!viewer.isAdmin && String(row.owner_id) !== viewer.userId))
      throw new AppError(404, 'VIEW_NOT_FOUND', `No view ${id}`)
    return row
  }

  app.get<{ Params: { app: string; form: string } }>(
    base,
    {
      schema: {
        tags,
        summary: "The viewer's saved views of a form and those shared with their role",
        params: formParams,
        response: { 200: { type: 'object', properties: { views: { type: 'array', items: viewSchema } } } },
      },
    },
    async (request) => {
      const { app: appKey, form } = request.params
      const { viewer, role } = await roleFor(appKey, form, recordContext(request, 'records:read').viewer)
      const { rows } = await sql<ViewRow>`select * from trellis.saved_views
        where app_key = ${appKey} and form_key = ${form}
          and (owner_id = ${viewer.userId} or shared_role = ${role ?? ''} or ${viewer.isAdmin} and shared_role is not null)
        order by name, id`.execute(db)
      return { views: rows.map((row) => toJson(row, viewer)) }
    },
  )

  app.post<{ Params: { app: string; form: string }; Body: ViewBody }>(
    base,
    { schema: { tags, summary: 'Save a view', params: formParams, body, response: { 201: viewSchema } } },
    async (request, reply) => {
      const { app: appKey, form } = request.params
      const { viewer, role } = await roleFor(appKey, form, recordContext(request, 'records:read').viewer)
      checkShare(request.body.sharedRole, role, viewer)
      const now = new Date().toISOString()
      const { rows } = await sql<ViewRow>`insert into trellis.saved_views
        (app_key, form_key, name, owner_id, owner, shared_role, spec, created_at, updated_at)
        values (${appKey}, ${form}, ${request.body.name}, ${viewer.userId}, ${viewer.username},
          ${request.body.sharedRole ?? null}, ${JSON.stringify(request.body.spec)}::jsonb, ${now}::timestamptz,
          ${now}::timestamptz)
        returning *`.execute(db)
      return reply.status(201).send(toJson(rows[0]!, viewer))
    },
  )

  app.put<{ Params: { app: string; form: string; id: string }; Body: ViewBody }>(
    `${base}/:id`,
    { schema: { tags, summary: 'Change a view', params: viewParams, body, response: { 200: viewSchema } } },
    async (request) => {
      const { app: appKey, form, id } = request.params
      const { viewer, role } = await roleFor(appKey, form, recordContext(request, 'records:read').viewer)
      await owned(appKey, form, id, viewer)
      checkShare(request.body.sharedRole, role, viewer)
      const { rows } = await sql<ViewRow>`update trellis.saved_views set name = ${request.body.name},
          spec = ${JSON.stringify(request.body.spec)}::jsonb, shared_role = ${request.body.sharedRole ?? null},
          version = version + 1, updated_at = now()
        where id = ${id} returning *`.execute(db)
      return toJson(rows[0]!, viewer)
    },
  )

  app.delete<{ Params: { app: string; form: string; id: string } }>(
    `${base}/:id`,
    { schema: { tags, summary: 'Delete a view', params: viewParams, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const { app: appKey, form, id } = request.params
      const { viewer } = await roleFor(appKey, form, recordContext(request, 'records:read').viewer)
      await owned(appKey, form, id, viewer)
      await sql`delete from trellis.saved_views where id = ${id}`.execute(db)
      return reply.status(204).send()
    },
  )
}
