import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { requireScope } from '../auth/authenticate.js'
import type { DynamicDb } from '../db/dynamic.js'
import { appKey } from './schemas.js'

const nullableString = { type: ['string', 'null'] } as const
const item = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['task', 'overdue', 'escalated'] },
    taskId: { type: 'string' },
    instanceId: { type: 'string' },
    app: { type: 'string' },
    flow: nullableString,
    name: nullableString,
    dueAt: nullableString,
    at: { type: 'string' },
    record: {
      anyOf: [
        { type: 'null' },
        { type: 'object', properties: { form: nullableString, id: { type: 'string' } } },
      ],
    },
  },
} as const

interface EscalatedRow {
  id: string
  instance_id: string
  app_key: string
  flow_key: string
  name: string | null
  due_at: Date | string | null
  closed_at: Date | string
  record_form: string | null
  record_id: string | null
}

interface Notification {
  kind: 'task' | 'overdue' | 'escalated'
  taskId: string
  instanceId: string
  app: string
  flow: string | null
  name: string | null
  dueAt: string | null
  at: string
  record: { form: string | null; id: string } | null
}

const iso = (value: Date | string) => new Date(value).toISOString()
/** How far back an escalation of one's own task is still news. */
const ESCALATION_DAYS = 7

/**
 * The current user's notifications, newest first: open tasks in their inbox (`task`; `overdue` once the due
 * time has passed) and their tasks that passed their due time and were escalated to someone else in the last
 * seven days (`escalated`). Built from the inbox itself (record access applies) rather than a table of its
 * own: nothing to keep in step, and "read" is the client's `since` (the time it last opened the bell).
 */
export function registerNotificationRoutes(app: FastifyInstance, db: DynamicDb): void {
  app.get<{ Querystring: { app?: string; since?: string } }>(
    '/api/notifications',
    {
      schema: {
        tags: ['flows'],
        summary: 'My notifications: new and overdue tasks, my tasks escalated past their due time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { app: appKey, since: { type: 'string', format: 'date-time' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: item },
              unread: { type: 'integer' },
              now: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      const viewer = requireScope(request, 'records:read')
      const { app: appFilter, since } = request.query
      const now = app.flows.clock.now()
      const tasks = await app.flows.inbox(viewer, appFilter)
      const items: Notification[] = tasks.map((task) => {
        const overdue = task.dueAt !== null && new Date(task.dueAt) <= now
        return {
          kind: overdue ? 'overdue' : 'task',
          taskId: task.id,
          instanceId: task.instanceId,
          app: task.app,
          flow: 'flow' in task ? (task.flow ?? null) : null,
          name: task.name,
          dueAt: task.dueAt,
          // An overdue task is news again from the moment it became overdue.
          at: overdue ? task.dueAt! : task.createdAt,
          record: 'record' in task && task.record ? { form: task.record.form, id: task.record.id } : null,
        }
      })
      const from = new Date(now.getTime() - ESCALATION_DAYS * 86_400_000).toISOString()
      // Tasks that were mine (by user, delegation or my role in the app) and escalated: the record is not read,
      // only named, so no record access is needed beyond having held the task.
      const { rows } =
        await sql<EscalatedRow>`select t.id::text as id, t.instance_id::text as instance_id, t.app_key,
          i.flow_key, t.name, t.due_at, t.closed_at, i.record_form, i.record_id
        from trellis.flow_tasks t join trellis.flow_instances i on i.id = t.instance_id
        where t.status = 'cancelled' and t.cancel_reason = 'escalated' and t.closed_at >= ${from}::timestamptz
          ${appFilter ? sql`and t.app_key = ${appFilter}` : sql``}
          and ((t.assignee_kind = 'user' and t.assignee = ${viewer.userId}) or t.delegated_to = ${viewer.userId}
            or (t.assignee_kind = 'role' and exists (select 1 from trellis.app_members m
              where m.app_key = t.app_key and m.user_id = ${viewer.userId}::bigint and m.role = t.assignee)))
        order by t.closed_at desc limit 50`.execute(db)
      for (const row of rows)
        items.push({
          kind: 'escalated',
          taskId: row.id,
          instanceId: row.instance_id,
          app: row.app_key,
          flow: row.flow_key,
          name: row.name,
          dueAt: row.due_at === null ? null : iso(row.due_at),
          at: iso(row.closed_at),
          record: row.record_id ? { form: row.record_form, id: row.record_id } : null,
        })
      items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      const unread = since ? items.filter((i) => i.at > new Date(since).toISOString()).length : items.length
      return { items, unread, now: now.toISOString() }
    },
  )
}
