import type { AppDefinition } from '@trellis/form-engine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppService } from '../apps/app-service.js'
import { requireAdmin, requireViewer } from '../auth/authenticate.js'
import type { AccessService } from '../auth/access-service.js'
import { actorOf } from '../http/actor.js'

const localized = { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 } as const

/**
 * The envelope of an app definition. Deep checks (field configs, relation targets, conditions) are
 * the form engine's `validateApp`, which reports every problem with its path.
 */
export const appDefinitionSchema = {
  $id: 'AppDefinition',
  type: 'object',
  required: ['key', 'name', 'forms'],
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 40 },
    name: localized,
    timeZone: { type: 'string' },
    forms: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        required: ['key', 'label', 'fields'],
        properties: {
          key: { type: 'string', minLength: 1, maxLength: 63 },
          label: localized,
          fields: {
            type: 'array',
            maxItems: 500,
            items: {
              type: 'object',
              required: ['key', 'type', 'label'],
              properties: {
                key: { type: 'string', minLength: 1 },
                type: { type: 'string' },
                label: localized,
              },
            },
          },
          summaries: {
            type: 'array',
            maxItems: 20,
            items: {
              type: 'object',
              required: ['key', 'dimensions'],
              additionalProperties: false,
              properties: {
                key: { type: 'string', minLength: 1, maxLength: 20 },
                dimensions: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string' } },
                sums: { type: 'array', maxItems: 20, items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const

const appParams = {
  type: 'object',
  required: ['app'],
  properties: { app: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } },
} as const

const summarySchema = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    name: { type: 'object', additionalProperties: { type: 'string' } },
    publishedVersion: { type: ['integer', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const

const stepsSchema = { type: 'array', items: { type: 'object', additionalProperties: true } } as const
const issuesSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' }, path: { type: 'string' } },
  },
} as const

export function registerAppRoutes(app: FastifyInstance, apps: AppService, access: AccessService): void {
  app.addSchema(appDefinitionSchema)
  const tags = ['apps']
  // Designing apps (drafts, plans, publishing, export/import) is for administrators; members only see
  // the apps they belong to.
  const onRequest = async (request: FastifyRequest) => {
    requireAdmin(request)
  }

  app.get(
    '/api/apps',
    { schema: { tags, response: { 200: { type: 'array', items: summarySchema } } } },
    async (request) => {
      const viewer = requireViewer(request)
      const all = await apps.list()
      if (viewer.isAdmin) return all
      const mine = new Set(await access.appsOf(viewer))
      return all.filter((summary) => mine.has(summary.key))
    },
  )

  app.post<{ Body: AppDefinition }>(
    '/api/apps',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Create an app (as a draft)',
        body: { $ref: 'AppDefinition#' },
        response: { 201: summarySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await apps.create(request.body)),
  )

  app.post<{ Body: AppDefinition }>(
    '/api/apps/import',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Import an exported app definition',
        body: { $ref: 'AppDefinition#' },
        response: { 201: summarySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await apps.create(request.body)),
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app',
    { schema: { tags, params: appParams, response: { 200: summarySchema } } },
    async (request, reply) => {
      const viewer = requireViewer(request)
      const summary = await apps.summary(request.params.app)
      if (summary && !viewer.isAdmin && !(await access.appsOf(viewer)).includes(summary.key)) {
        return reply
          .status(403)
          .send({ code: 'APP_FORBIDDEN', message: `You are not a member of app ${summary.key}` })
      }
      if (!summary)
        return reply.status(404).send({ code: 'APP_NOT_FOUND', message: `No app "${request.params.app}"` })
      return summary
    },
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/published',
    {
      schema: {
        tags,
        summary: "The published app as the viewer may see it: the workspace's forms, fields and permissions",
        description:
          'Forms the viewer may neither read nor create are left out, hidden fields are removed, and each ' +
          "form carries the viewer's `access` (actions, read-only and masked fields). Roles, rules and flows " +
          'are only shown to administrators.',
        params: appParams,
        response: {
          200: {
            type: 'object',
            properties: {
              version: { type: 'integer' },
              role: { type: ['string', 'null'] },
              isAdmin: { type: 'boolean' },
              definition: { type: 'object', additionalProperties: true },
            },
          },
        },
      },
    },
    async (request) => {
      const viewer = requireViewer(request)
      const published = await apps.requirePublished(request.params.app)
      const accessOf = await access.resolver(published, viewer)
      const role = viewer.isAdmin ? null : ((await access.roleOf(published.key, viewer)) ?? null)
      const { roles, rules, flows, ...rest } = published.definition
      const forms = published.definition.forms.flatMap((form) => {
        if (form.archived) return []
        const formAccess = accessOf(published.form(form.key))
        if (!formAccess.can('read') && !formAccess.can('create')) return []
        const fields = form.fields.filter((field) => !field.archived && formAccess.canSeeField(field.key))
        return [{ ...form, fields, access: formAccess.describe() }]
      })
      const definition = viewer.isAdmin ? { ...rest, roles, rules, flows, forms } : { ...rest, forms }
      return { version: published.version, role, isAdmin: viewer.isAdmin, definition }
    },
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/draft',
    {
      onRequest,
      schema: { tags, params: appParams, response: { 200: { type: 'object', additionalProperties: true } } },
    },
    (request) => apps.draft(request.params.app),
  )

  app.put<{ Params: { app: string }; Body: AppDefinition }>(
    '/api/apps/:app/draft',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Save the draft; answers with the problems found (saving does not require a valid app)',
        params: appParams,
        body: { $ref: 'AppDefinition#' },
        response: { 200: { type: 'object', properties: { issues: issuesSchema } } },
      },
    },
    async (request) => {
      await apps.saveDraft(request.params.app, request.body)
      return { issues: await apps.validate(request.params.app) }
    },
  )

  app.post<{ Params: { app: string } }>(
    '/api/apps/:app/validate',
    {
      onRequest,
      schema: {
        tags,
        params: appParams,
        response: { 200: { type: 'object', properties: { issues: issuesSchema } } },
      },
    },
    async (request) => ({ issues: await apps.validate(request.params.app) }),
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/plan',
    {
      onRequest,
      schema: {
        tags,
        summary: 'The migration plan publishing the draft would run; `lossy` steps need confirmation',
        params: appParams,
        response: { 200: { type: 'object', properties: { steps: stepsSchema } } },
      },
    },
    async (request) => ({ steps: await apps.plan(request.params.app) }),
  )

  app.post<{ Params: { app: string }; Body: { confirm?: string[] } }>(
    '/api/apps/:app/publish',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Publish the draft as a new version (runs the migration plan in one transaction)',
        params: appParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { confirm: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
        },
        response: {
          200: { type: 'object', properties: { version: { type: 'integer' }, steps: stepsSchema } },
        },
      },
    },
    (request) => apps.publish(request.params.app, request.body?.confirm, actorOf(request)),
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/versions',
    {
      onRequest,
      schema: {
        tags,
        params: appParams,
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                version: { type: 'integer' },
                publishedAt: { type: 'string' },
                publishedBy: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
    },
    (request) => apps.versions(request.params.app),
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/export',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Export the draft definition as JSON (import it with POST /api/apps/import)',
        params: appParams,
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (request, reply) => {
      const definition = await apps.draft(request.params.app)
      return reply
        .header('content-disposition', `attachment; filename="${request.params.app}.trellis.json"`)
        .send(definition)
    },
  )
}
