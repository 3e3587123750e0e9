import { actionModules, triggerSchemas } from '@trellis/rule-engine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireAdmin } from '../auth/authenticate.js'
import { Automation, automationOptionsFromEnv, type AutomationOptions } from '../automation/automation.js'
import type { JobState } from '../automation/job-store.js'
import type { DynamicDb } from '../db/dynamic.js'

declare module 'fastify' {
  interface FastifyInstance {
    automation: Automation
  }
}

const key = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } as const
const appParams = {
  type: 'object',
  required: ['app'],
  properties: { app: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } },
} as const
const ruleParams = {
  type: 'object',
  required: ['app', 'rule'],
  properties: { ...appParams.properties, rule: key },
} as const
const anyObject = { type: 'object', additionalProperties: true } as const
const issues = {
  type: 'array',
  items: {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' }, path: { type: 'string' } },
  },
} as const
const job = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    rule: { type: 'string' },
    recordId: { type: ['string', 'null'] },
    occurrence: { type: 'string' },
    state: { type: 'string' },
    dueAt: { type: 'string' },
    attempt: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    depth: { type: 'integer' },
    lastError: {},
  },
} as const
const run = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    jobId: { type: ['string', 'null'] },
    rule: { type: 'string' },
    recordId: { type: ['string', 'null'] },
    occurrence: { type: ['string', 'null'] },
    attempt: { type: 'integer' },
    depth: { type: 'integer' },
    outcome: { type: 'string' },
    effects: {},
    error: {},
    at: { type: 'string' },
  },
} as const

const iso = (value: Date | string) => new Date(value).toISOString()

/**
 * The rules API. Rules live in the app definition (edited in the draft, running once published);
 * enable/disable is a runtime switch that takes effect at once. Managing rules is for administrators.
 * The automation service is created here and decorated as `app.automation`; its worker is started by
 * `startServer`, never by `buildApp`, so tests drive it with `drain()` after moving its clock.
 */
export function registerRuleRoutes(
  app: FastifyInstance,
  db: DynamicDb,
  options: Pick<AutomationOptions, 'channel'> = {},
): Automation {
  const automation = new Automation(db, app.trellis.apps, { ...automationOptionsFromEnv(), ...options })
  app.decorate('automation', automation)
  app.addHook('onClose', () => automation.stop())
  const tags = ['rules']
  const onRequest = async (request: FastifyRequest) => {
    requireAdmin(request)
  }

  app.get(
    '/api/rules/catalog',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Trigger kinds and action types with their JSON Schemas',
        response: { 200: anyObject },
      },
    },
    async () => ({
      triggers: triggerSchemas,
      actions: Object.fromEntries(actionModules.map((m) => [m.type, m.configSchema])),
    }),
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/rules',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Rules of the published app, with their effective state and problems',
        params: appParams,
        response: {
          200: {
            type: 'object',
            properties: {
              rules: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: { type: 'string' },
                    enabled: { type: 'boolean' },
                    rule: anyObject,
                    issues,
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => ({ rules: await automation.listRules(request.params.app) }),
  )

  app.put<{ Params: { app: string; rule: string }; Body: { enabled: boolean } }>(
    '/api/apps/:app/rules/:rule/enabled',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Enable or disable a published rule at once (a runtime switch, no publish needed)',
        params: ruleParams,
        body: {
          type: 'object',
          required: ['enabled'],
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' } },
        },
        response: {
          200: { type: 'object', properties: { key: { type: 'string' }, enabled: { type: 'boolean' } } },
        },
      },
    },
    async (request) => {
      await automation.setEnabled(request.params.app, request.params.rule, request.body.enabled)
      return { key: request.params.rule, enabled: request.body.enabled }
    },
  )

  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/draft/rules',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Rules of the draft, with every problem',
        params: appParams,
        response: {
          200: { type: 'object', properties: { rules: { type: 'array', items: anyObject }, issues } },
        },
      },
    },
    async (request) => automation.draftRules(request.params.app),
  )

  app.put<{ Params: { app: string; rule: string }; Body: Record<string, unknown> }>(
    '/api/apps/:app/draft/rules/:rule',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Add or replace a rule in the draft (validated; runs once published)',
        params: ruleParams,
        body: {
          type: 'object',
          required: ['trigger', 'actions'],
          properties: { trigger: anyObject, actions: { type: 'array', items: anyObject } },
        },
        response: { 200: { type: 'object', properties: { issues } } },
      },
    },
    async (request) => ({
      issues: await automation.putDraftRule(request.params.app, request.params.rule, request.body),
    }),
  )

  app.delete<{ Params: { app: string; rule: string } }>(
    '/api/apps/:app/draft/rules/:rule',
    { onRequest, schema: { tags, summary: 'Remove a rule from the draft', params: ruleParams } },
    async (request, reply) => {
      await automation.deleteDraftRule(request.params.app, request.params.rule)
      return reply.status(204).send()
    },
  )

  app.post<{ Params: { app: string; rule: string }; Body: { recordId?: string } }>(
    '/api/apps/:app/rules/:rule/run',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Run a rule now on one record, or on every record matching its condition',
        params: ruleParams,
        body: { type: 'object', additionalProperties: false, properties: { recordId: { type: 'string' } } },
        response: {
          202: {
            type: 'object',
            properties: { enqueued: { type: 'integer' }, records: { type: 'integer' } },
          },
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await automation.runNow(request.params.app, request.params.rule, request.body?.recordId)),
  )

  app.post<{ Params: { app: string; rule: string }; Body: { recordId?: string; limit?: number } }>(
    '/api/apps/:app/rules/:rule/dry-run',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Which records match now, and what each action would do (nothing is written)',
        params: ruleParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { recordId: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 200 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              matched: { type: 'integer' },
              records: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: ['string', 'null'] },
                    /** The record an `each` rule ran for. */
                    each: { type: 'string' },
                    actions: { type: 'array', items: anyObject },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) =>
      automation.dryRun(request.params.app, request.params.rule, {
        limit: request.body?.limit ?? 20,
        ...(request.body?.recordId ? { recordId: request.body.recordId } : {}),
      }),
  )

  app.get<{
    Params: { app: string }
    Querystring: { rule?: string; outcome?: string; limit?: number; before?: string }
  }>(
    '/api/apps/:app/rule-runs',
    {
      onRequest,
      schema: {
        tags,
        summary: 'The run log, newest first',
        params: appParams,
        querystring: {
          type: 'object',
          properties: {
            rule: key,
            outcome: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            before: { type: 'string', pattern: '^[0-9]{1,19}$' },
          },
        },
        response: { 200: { type: 'object', properties: { runs: { type: 'array', items: run } } } },
      },
    },
    async (request) => {
      const { rule, outcome, before } = request.query
      const rows = await automation.runs(request.params.app, {
        limit: request.query.limit ?? 100,
        ...(rule ? { rule } : {}),
        ...(outcome ? { outcome } : {}),
        ...(before ? { before } : {}),
      })
      return {
        runs: rows.map((r) => ({
          id: String(r.id),
          jobId: r.job_id === null ? null : String(r.job_id),
          rule: r.rule_key,
          recordId: r.record_id,
          occurrence: r.occurrence,
          attempt: r.attempt,
          depth: r.depth,
          outcome: r.outcome,
          effects: r.effects,
          error: r.error,
          at: iso(r.at),
        })),
      }
    },
  )

  app.get<{ Params: { app: string }; Querystring: { state?: JobState; rule?: string; limit?: number } }>(
    '/api/apps/:app/jobs',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Rule jobs, e.g. the dead letters (state=dead)',
        params: appParams,
        querystring: {
          type: 'object',
          properties: {
            state: { enum: ['pending', 'running', 'done', 'dead'] },
            rule: key,
            limit: { type: 'integer', minimum: 1, maximum: 500 },
          },
        },
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: job } } } },
      },
    },
    async (request) => {
      const { state, rule } = request.query
      const rows = await automation.listJobs(request.params.app, {
        limit: request.query.limit ?? 100,
        ...(state ? { state } : {}),
        ...(rule ? { rule } : {}),
      })
      return { jobs: rows.map(jobJson) }
    },
  )

  app.post<{ Params: { app: string; id: string } }>(
    '/api/apps/:app/jobs/:id/retry',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Give a dead job three more attempts, due now',
        params: {
          type: 'object',
          required: ['app', 'id'],
          properties: { ...appParams.properties, id: { type: 'string' } },
        },
        response: { 200: job },
      },
    },
    async (request) => jobJson(await automation.retryJob(request.params.app, request.params.id)),
  )
  return automation
}

function jobJson(j: Awaited<ReturnType<Automation['listJobs']>>[number]) {
  return {
    id: j.id,
    rule: j.rule_key,
    recordId: j.record_id,
    occurrence: j.occurrence,
    state: j.state,
    dueAt: iso(j.due_at),
    attempt: j.attempt,
    maxAttempts: j.max_attempts,
    depth: j.depth,
    lastError: j.last_error,
  }
}
