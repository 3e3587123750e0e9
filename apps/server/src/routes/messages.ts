import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { requireScope } from '../auth/authenticate.js'
import type { Viewer } from '../auth/viewer.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { appParams } from './schemas.js'

const tags = ['messages']
const statuses = ['stored', 'queued', 'sent', 'failed'] as const
type Status = (typeof statuses)[number]

interface MessageRow {
  id: string
  rule_key: string | null
  record_id: string | null
  channel: string
  recipient: string
  locale: string
  subject: string | null
  body: string
  marketing: boolean
  status: string
  attempts: number
  next_attempt_at: Date | string | null
  sent_at: Date | string | null
  last_error: string | null
  created_at: Date | string
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())
const nullableString = { type: ['string', 'null'] } as const
const message = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    rule: nullableString,
    form: nullableString,
    recordId: nullableString,
    channel: { type: 'string' },
    to: { type: 'string' },
    locale: { type: 'string' },
    subject: nullableString,
    body: { type: 'string' },
    marketing: { type: 'boolean' },
    status: { type: 'string' },
    attempts: { type: 'integer' },
    nextAttemptAt: nullableString,
    sentAt: nullableString,
    lastError: nullableString,
    createdAt: { type: 'string' },
  },
} as const

/** The form a rule's record belongs to (record-event, date and manual triggers all name it). */
function ruleForms(definition: { rules?: unknown }): Map<string, string> {
  const forms = new Map<string, string>()
  for (const rule of (definition.rules as Array<{ key?: string; trigger?: { form?: string } }>) ?? []) {
    if (rule?.key && typeof rule.trigger?.form === 'string') forms.set(rule.key, rule.trigger.form)
  }
  return forms
}

/**
 * The message outbox of an app (what rules and flows sent, are sending or failed to send), for the people
 * who answer for it: administrators see every message; a member sees the messages about records they may
 * see of forms their role may export (the CRM's store managers; clerks, who may not export, see none), checked
 * record by record through the records service so row scopes apply. A message about no record is admins'.
 */
export function registerMessageRoutes(app: FastifyInstance, db: DynamicDb): void {
  const { apps, access, records } = app.trellis

  async function visibleTo(viewer: Viewer, appKey: string) {
    const published = await apps.requirePublished(appKey)
    if (viewer.isAdmin) return () => Promise.resolve(true)
    const resolve = await access.resolver(published, viewer)
    const exportable = new Set(
      published.definition.forms
        .filter((form) => !form.archived && resolve(published.form(form.key)).can('export'))
        .map((form) => form.key),
    )
    if (!exportable.size)
      throw new AppError(403, 'MESSAGES_FORBIDDEN', 'Only administrators and managers may read the messages')
    const forms = ruleForms(published.definition)
    return async (row: MessageRow) => {
      const form = row.rule_key ? forms.get(row.rule_key) : undefined
      if (!form || !row.record_id || !exportable.has(form)) return false
      return records.get(appKey, form, row.record_id, {}, { actor: viewer.userId, viewer }).then(
        () => true,
        () => false,
      )
    }
  }

  app.get<{
    Params: { app: string }
    Querystring: {
      status?: Status
      channel?: string
      rule?: string
      q?: string
      before?: string
      limit?: number
    }
  }>(
    '/api/apps/:app/messages',
    {
      schema: {
        tags,
        summary: 'The message outbox, newest first: stored, queued (pending), sent and failed messages',
        params: appParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...statuses] },
            channel: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,30}$' },
            rule: { type: 'string', pattern: '^[a-z][a-z0-9_:.]{0,120}$' },
            q: { type: 'string', minLength: 1, maxLength: 100 },
            before: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              messages: { type: 'array', items: message },
              nextBefore: nullableString,
              counts: {
                type: 'object',
                properties: Object.fromEntries(statuses.map((s) => [s, { type: 'integer' }])),
              },
            },
          },
          403: { $ref: 'ErrorBody#' },
          404: { $ref: 'ErrorBody#' },
        },
      },
    },
    async (request) => {
      const viewer = requireScope(request, 'records:read')
      const appKey = request.params.app
      const visible = await visibleTo(viewer, appKey)
      const { status, channel, rule, q, before } = request.query
      const limit = request.query.limit ?? 50
      const like = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined
      const where = sql.join(
        [
          sql`app_key = ${appKey}`,
          ...(status ? [sql`status = ${status}`] : []),
          ...(channel ? [sql`channel = ${channel}`] : []),
          ...(rule ? [sql`rule_key = ${rule}`] : []),
          ...(like ? [sql`(recipient ilike ${like} or body ilike ${like} or subject ilike ${like})`] : []),
        ],
        sql` and `,
      )
      // Members' rows are filtered after reading; read ahead so that a page is usually full.
      const fetch = viewer.isAdmin ? limit + 1 : limit * 4 + 1
      const { rows } = await sql<MessageRow>`select id::text as id, rule_key, record_id, channel, recipient,
          locale, subject, body, marketing, status, attempts, next_attempt_at, sent_at, last_error, created_at
        from trellis.messages where ${where} ${before ? sql`and id < ${before}::bigint` : sql``}
        order by id desc limit ${fetch}`.execute(db)
      const forms = ruleForms((await apps.requirePublished(appKey)).definition)
      const page: MessageRow[] = []
      let last: string | null = null
      let more = rows.length === fetch
      for (const row of rows.slice(0, fetch - 1)) {
        if (page.length === limit) {
          more = true
          break
        }
        last = row.id
        if (await visible(row)) page.push(row)
      }
      const counts = viewer.isAdmin
        ? Object.fromEntries(
            (
              await sql<{
                status: string
                n: string
              }>`select status, count(*)::text as n from trellis.messages
                where app_key = ${appKey} group by status`.execute(db)
            ).rows.map((r) => [r.status, Number(r.n)]),
          )
        : undefined
      return {
        messages: page.map((m) => ({
          id: m.id,
          rule: m.rule_key,
          form: m.rule_key ? (forms.get(m.rule_key) ?? null) : null,
          recordId: m.record_id,
          channel: m.channel,
          to: m.recipient,
          locale: m.locale,
          subject: m.subject,
          body: m.body,
          marketing: m.marketing,
          status: m.status,
          attempts: m.attempts,
          nextAttemptAt: iso(m.next_attempt_at),
          sentAt: iso(m.sent_at),
          lastError: m.last_error,
          createdAt: iso(m.created_at)!,
        })),
        nextBefore: more ? last : null,
        ...(counts ? { counts } : {}),
      }
    },
  )
}
