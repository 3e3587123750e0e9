import type { JsonLogic } from '../../types.js'
import { evaluateValues, type ActionModule } from './action.js'

interface CallWebhookConfig {
  type: 'call_webhook'
  url: string
  /** Field → expression; default `{ id: {"var": "id"} }`. The server adds rule, app and occurrence. */
  body?: Record<string, JsonLogic>
  /** Static headers (e.g. Authorization), sent only to the configured host, never after a redirect elsewhere. */
  headers?: Record<string, string>
  timeoutMs?: number
}

export const callWebhook: ActionModule<CallWebhookConfig> = {
  type: 'call_webhook',
  needsRecord: false,
  configSchema: {
    type: 'object',
    required: ['type', 'url'],
    additionalProperties: false,
    properties: {
      type: { const: 'call_webhook' },
      url: { type: 'string', pattern: '^https?://', maxLength: 2000 },
      body: { type: 'object' },
      headers: {
        type: 'object',
        propertyNames: { pattern: '^[A-Za-z0-9-]{1,64}$' },
        additionalProperties: { type: 'string', maxLength: 4000 },
      },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 30000 },
    },
  },
  check(config, ctx) {
    const issues = Object.entries(config.body ?? {}).flatMap(([key, logic]) =>
      ctx.checkExpression(logic, `body.${key}`),
    )
    try {
      new URL(config.url)
    } catch {
      issues.push({ code: 'BAD_URL', message: `${config.url} is not a URL`, path: 'url' })
    }
    return issues
  },
  plan(config, input) {
    return {
      kind: 'webhook',
      url: config.url,
      body: evaluateValues(config.body ?? { id: { var: 'id' } }, input),
      headers: { ...config.headers },
      timeoutMs: config.timeoutMs ?? 5000,
    }
  },
}
