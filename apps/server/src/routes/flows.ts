import { exportBpmn, importBpmn, validateFlow, type FlowDefinition } from '@trellis/flow-engine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireAdmin, requireScope } from '../auth/authenticate.js'
import { assertFlowsValid, findFlow, flowIssues, flowsOf } from '../flows/flow-definitions.js'
import { FlowService } from '../flows/flow-service.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    flows: FlowService
  }
}

const tags = ['flows']
const appKey = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } as const
const key = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } as const
const id = { type: 'string', pattern: '^[0-9]{1,18}$' } as const
// Imported BPMN keeps the process id as the flow key, which may not look like our keys.
const flowKey = { type: 'string', minLength: 1, maxLength: 200 } as const
const anyObject = { type: 'object', additionalProperties: true } as const
const errors = { 400: { $ref: 'ErrorBody#' }, 403: { $ref: 'ErrorBody#' }, 404: { $ref: 'ErrorBody#' } }
const withErrors = (ok: Record<number, unknown>, more: number[] = []) => ({
  ...ok,
  ...errors,
  ...Object.fromEntries(more.map((s) => [s, { $ref: 'ErrorBody#' }])),
})
const read = (request: FastifyRequest) => requireScope(request, 'records:read')
const write = (request: FastifyRequest) => requireScope(request, 'records:write')

/**
 * Flows API: definitions live in the app definition (`flows[]`, checked with validateFlow before a
 * publish), instances run on the definition they started with, tasks land in `/api/inbox`.
 */
export async function registerFlowRoutes(app: FastifyInstance, db: DynamicDb): Promise<FlowService> {
  const { apps, access, users } = app.trellis
  const flows = new FlowService(db, apps, access, users)
  app.decorate('flows', flows)
  // Record events and rules' start_flow actions reach flows through automation (registered before us).
  if (app.hasDecorator('automation')) app.automation.flows = flows.starter
  app.addHook('onClose', async () => flows.stop())

  // Publishing is refused while a flow of the draft has errors. A hook rather than a change to the
  // form engine's validateApp, which knows nothing of flows.
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'POST' || request.routeOptions.url !== '/api/apps/:app/publish') return
    const params = request.params as { app: string }
    assertFlowsValid(await apps.draft(params.app))
  })

  app.get<{ Params: { app: string }; Querystring: { source?: 'draft' | 'published' } }>(
    '/api/apps/:app/flows',
    {
      schema: {
        tags,
        summary: 'Flows of an app (published, or the draft) with their validation issues',
        params: { type: 'object', required: ['app'], properties: { app: appKey } },
        querystring: { type: 'object', properties: { source: { enum: ['draft', 'published'] } } },
        response: withErrors({ 200: anyObject }),
      },
    },
    async (request) => {
      requireAdmin(request)
      const definition =
        request.query.source === 'draft'
          ? await apps.draft(request.params.app)
          : (await apps.requirePublished(request.params.app)).definition
      return { flows: flowsOf(definition), issues: flowIssues(definition) }
    },
  )

  // BPMN arrives as XML; the parser is registered in its own scope so no other route accepts XML.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/xml', 'text/xml', 'application/bpmn+xml'],
      { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    )
    scope.post<{ Params: { app: string }; Body: unknown }>(
      '/api/apps/:app/flows/import',
      {
        schema: {
          tags,
          summary:
            'Import a BPMN 2.0 process into the draft (XML body, or JSON {xml}); refused elements are listed',
          params: { type: 'object', required: ['app'], properties: { app: appKey } },
          response: withErrors({ 200: anyObject }, [422]),
        },
      },
      async (request) => {
        requireAdmin(request)
        const body = request.body
        const xml = typeof body === 'string' ? body : (body as { xml?: unknown } | undefined)?.xml
        if (typeof xml !== 'string' || !xml.trim())
          throw new AppError(400, 'BPMN_REQUIRED', 'Send BPMN 2.0 XML as the body or as {xml}', 'xml')
        const result = importBpmn(xml)
        if (!('definition' in result)) {
          const first = result.errors[0]
          throw new AppError(422, 'BPMN_UNSUPPORTED', first?.message ?? 'Not importable', first?.path, {
            errors: result.errors,
            warnings: result.warnings,
          })
        }
        const draft = await apps.draft(request.params.app)
        const others = flowsOf(draft).filter((f) => f?.key !== result.definition.key)
        await apps.saveDraft(request.params.app, { ...draft, flows: [...others, result.definition] })
        return { flow: result.definition, warnings: result.warnings, issues: validateFlow(result.definition) }
      },
    )
  })

  app.get<{ Params: { app: string; flow: string }; Querystring: { source?: 'draft' | 'published' } }>(
    '/api/apps/:app/flows/:flow/bpmn',
    {
      schema: {
        tags,
        summary: 'A flow as BPMN 2.0 XML with diagram (published unless ?source=draft)',
        params: {
          type: 'object',
          required: ['app', 'flow'],
          properties: { app: appKey, flow: flowKey },
        },
        querystring: { type: 'object', properties: { source: { enum: ['draft', 'published'] } } },
      },
    },
    async (request, reply) => {
      requireAdmin(request)
      const definition =
        request.query.source === 'draft'
          ? await apps.draft(request.params.app)
          : (await apps.requirePublished(request.params.app)).definition
      const flow: FlowDefinition = findFlow(definition, request.params.flow)
      return reply.type('application/xml; charset=utf-8').send(exportBpmn(flow))
    },
  )

  app.post<{
    Params: { app: string; flow: string }
    Body: { form?: string; recordId?: string; variables?: Record<string, unknown> }
  }>(
    '/api/apps/:app/flows/:flow/instances',
    {
      schema: {
        tags,
        summary: 'Start a flow by hand, optionally for a record',
        params: { type: 'object', required: ['app', 'flow'], properties: { app: appKey, flow: flowKey } },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { form: key, recordId: id, variables: anyObject },
        },
        response: withErrors({ 201: anyObject }, [409, 422]),
      },
    },
    async (request, reply) => {
      const viewer = write(request)
      const instance = await flows.start(request.params.app, request.params.flow, request.body ?? {}, viewer)
      return reply.code(201).send(instance)
    },
  )

  app.get<{
    Params: { app: string }
    Querystring: { flow?: string; status?: string; form?: string; recordId?: string; limit?: number }
  }>(
    '/api/apps/:app/flow-instances',
    {
      schema: {
        tags,
        summary: 'Instances of an app, by flow, status or record',
        params: { type: 'object', required: ['app'], properties: { app: appKey } },
        querystring: {
          type: 'object',
          properties: {
            flow: flowKey,
            status: { enum: ['running', 'completed', 'failed', 'cancelled'] },
            form: key,
            recordId: id,
            limit: { type: 'integer', minimum: 1, maximum: 500 },
          },
        },
        response: withErrors({ 200: anyObject }),
      },
    },
    async (request) => ({ instances: await flows.list(request.params.app, request.query, read(request)) }),
  )

  app.get<{ Params: { id: string } }>(
    '/api/flow-instances/:id',
    {
      schema: {
        tags,
        summary: 'One instance: current nodes, data, tasks and the history of every step (actor, time)',
        params: { type: 'object', required: ['id'], properties: { id } },
        response: withErrors({ 200: anyObject }),
      },
    },
    async (request) => flows.detail(request.params.id, read(request)),
  )

  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/api/flow-instances/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a running instance (administrators and the starter)',
        params: { type: 'object', required: ['id'], properties: { id } },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 500 } },
        },
        response: withErrors({ 200: anyObject }, [409]),
      },
    },
    async (request) => flows.cancel(request.params.id, write(request), request.body?.reason),
  )

  app.get<{ Querystring: { app?: string } }>(
    '/api/inbox',
    {
      schema: {
        tags,
        summary: 'Open tasks assigned to me: by user, by my role in the app, or by a record field',
        querystring: { type: 'object', properties: { app: appKey } },
        response: withErrors({ 200: anyObject }),
      },
    },
    async (request) => ({ tasks: await flows.inbox(read(request), request.query.app) }),
  )

  app.post<{
    Params: { id: string }
    Body: { outcome: 'approve' | 'reject' | 'return'; comment?: string; form?: Record<string, unknown> }
  }>(
    '/api/tasks/:id/complete',
    {
      schema: {
        tags,
        summary: 'Complete a task with an outcome, a comment and optional form data (assignee only)',
        params: { type: 'object', required: ['id'], properties: { id } },
        body: {
          type: 'object',
          required: ['outcome'],
          additionalProperties: false,
          properties: {
            outcome: { enum: ['approve', 'reject', 'return'] },
            comment: { type: 'string', maxLength: 4000 },
            form: anyObject,
          },
        },
        response: withErrors({ 200: anyObject }, [409, 422]),
      },
    },
    async (request) => flows.completeTask(request.params.id, request.body, write(request)),
  )

  app.post<{
    Params: { id: string }
    Body: { to: { kind: 'user'; userId: string } | { kind: 'role'; role: string }; comment?: string }
  }>(
    '/api/tasks/:id/reassign',
    {
      schema: {
        tags,
        summary: 'Give an open task to another user or role (the assignee or an administrator)',
        params: { type: 'object', required: ['id'], properties: { id } },
        body: {
          type: 'object',
          required: ['to'],
          additionalProperties: false,
          properties: {
            to: {
              oneOf: [
                {
                  type: 'object',
                  required: ['kind', 'userId'],
                  additionalProperties: false,
                  properties: { kind: { const: 'user' }, userId: id },
                },
                {
                  type: 'object',
                  required: ['kind', 'role'],
                  additionalProperties: false,
                  properties: { kind: { const: 'role' }, role: key },
                },
              ],
            },
            comment: { type: 'string', maxLength: 4000 },
          },
        },
        response: withErrors({ 200: anyObject }, [409, 422]),
      },
    },
    async (request) => flows.reassignTask(request.params.id, request.body, write(request)),
  )

  app.post<{ Params: { id: string } }>(
    '/api/tasks/:id/claim',
    {
      schema: {
        tags,
        summary: 'Take a task from my role queue (it becomes mine; others no longer see it)',
        params: { type: 'object', required: ['id'], properties: { id } },
        response: withErrors({ 200: anyObject }, [409]),
      },
    },
    async (request) => flows.claimTask(request.params.id, write(request)),
  )

  app.post<{ Params: { id: string }; Body: { userId: string | null; comment?: string } }>(
    '/api/tasks/:id/delegate',
    {
      schema: {
        tags,
        summary: 'Let another user act on a task the assignee keeps (userId null takes it back)',
        params: { type: 'object', required: ['id'], properties: { id } },
        body: {
          type: 'object',
          required: ['userId'],
          additionalProperties: false,
          properties: {
            userId: { anyOf: [id, { type: 'null' }] },
            comment: { type: 'string', maxLength: 4000 },
          },
        },
        response: withErrors({ 200: anyObject }, [409, 422]),
      },
    },
    async (request) => flows.delegateTask(request.params.id, request.body, write(request)),
  )

  return flows
}
