import type { FastifyInstance } from 'fastify'
import { requireAdmin } from '../auth/authenticate.js'
import { actorOf } from '../http/actor.js'
import { installTemplate, type TemplateServices } from '../templates/install-template.js'
import { templates } from '../templates/registry.js'

const localized = { type: 'object', additionalProperties: { type: 'string' } } as const

const templateSchema = {
  type: 'object',
  properties: { key: { type: 'string' }, app: { type: 'string' }, name: localized, description: localized },
} as const

/** Demo sizes over HTTP stay modest; the CLI takes any size (benchmarks load a million customers). */
export const maxHttpDemoSize = 100_000

const installResultSchema = {
  type: 'object',
  properties: {
    template: { type: 'string' },
    app: { type: 'string' },
    version: { type: 'integer' },
    demo: {
      type: ['object', 'null'],
      properties: {
        seed: { type: 'integer' },
        start: { type: 'string' },
        end: { type: 'string' },
        counts: { type: 'object', additionalProperties: { type: 'integer' } },
        mergedCustomers: { type: 'integer' },
        timings: { type: 'object', additionalProperties: { type: 'integer' } },
      },
    },
  },
} as const

export function registerTemplateRoutes(app: FastifyInstance, services: TemplateServices): void {
  const tags = ['templates']

  app.get(
    '/api/templates',
    {
      schema: {
        tags,
        summary: 'Templates this server can install',
        response: { 200: { type: 'array', items: templateSchema } },
      },
    },
    () => templates.map((t) => ({ key: t.key, app: t.appKey, name: t.name, description: t.description })),
  )

  app.post<{
    Params: { key: string }
    Body: { demo?: boolean; size?: number; seed?: number; end?: string } | undefined
  }>(
    '/api/templates/:key/install',
    {
      onRequest: async (request) => {
        requireAdmin(request)
      },
      schema: {
        tags,
        summary: 'Install a template as a new published app, optionally with its demo data',
        params: {
          type: 'object',
          required: ['key'],
          properties: { key: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' } },
        },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            demo: { type: 'boolean' },
            size: { type: 'integer', minimum: 1, maximum: maxHttpDemoSize },
            seed: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
            end: { type: 'string', format: 'date', description: 'last day of demo history (default today)' },
          },
        },
        response: { 201: installResultSchema },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {}
      const result = await installTemplate(services, request.params.key, {
        demo: body.demo ?? false,
        ...(body.size !== undefined ? { size: body.size } : {}),
        ...(body.seed !== undefined ? { seed: body.seed } : {}),
        ...(body.end !== undefined ? { end: body.end } : {}),
        actor: actorOf(request),
      })
      return reply.status(201).send(result)
    },
  )
}
