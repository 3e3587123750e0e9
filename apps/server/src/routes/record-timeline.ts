import { reverseRelations } from '@trellis/form-engine'
import type { FastifyInstance } from 'fastify'
import { importCreatedAction } from '../audit/record-audit.js'
import { sql, type Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { AccessService } from '../auth/access-service.js'
import type { FormAccess } from '../auth/access.js'
import { maskValue } from '../auth/masking.js'
import type { Viewer } from '../auth/viewer.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { recordContext } from '../http/actor.js'
import { rowToJson, type RecordJson, type Row } from '../records/record-json.js'
import { RecordReader, type ListResult } from '../records/record-reader.js'
import { VisibleRollups } from '../records/visible-rollups.js'
import { anyObject, recordParams } from './schemas.js'

export interface TimelineDeps {
  apps: AppService
  access: AccessService
  db: Kysely<PlatformTables>
}

export const timelineMaxLimit = 100

const record = anyObject
const array = (items: object) => ({ type: 'array', items }) as const
const timelineResponse = {
  type: 'object',
  required: ['record', 'related', 'messages', 'flows', 'audit', 'consents'],
  properties: {
    record,
    related: array({
      type: 'object',
      properties: {
        form: { type: 'string' },
        via: { type: 'string' },
        sort: { type: 'string' },
        records: array(record),
        nextCursor: { type: ['string', 'null'] },
        count: { type: 'integer' },
      },
    }),
    messages: array(anyObject),
    flows: array(anyObject),
    audit: array(anyObject),
    consents: array(anyObject),
  },
} as const

const iso = (value: unknown) =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()

/**
 * The newest-first order of a related form's records: its first date-time field (orders by `ordered_at`,
 * points by `occurred_at`), else its first date, else the newest ids. Only a field the viewer may sort by.
 */
function timeOrder(form: CompiledForm, access: FormAccess): string {
  for (const type of ['datetime', 'date']) {
    const field = form.schema.fields.find(
      (f) => f.type === type && !f.archived && form.columns.has(f.key) && access.canSortOrFilter(f.key),
    )
    if (field) return `-${field.key}`
  }
  return '-id'
}

/**
 * The address a message went to, as the viewer sees the record's own contact field: masked where that field
 * is masked for this record (a clerk and a tier-S customer's phone), left out where it is hidden.
 */
function recipientAsShown(
  form: CompiledForm,
  access: FormAccess,
  record: Record<string, unknown>,
  channel: string,
  recipient: unknown,
): unknown {
  const type = channel === 'email' ? 'email' : 'phone'
  const field = form.schema.fields.find((f) => f.type === type && !f.archived)
  const masked = maskValue(recipient, type)
  if (!field) return access.describe().masked.length ? masked : recipient
  if (!access.canSeeField(field.key)) return masked
  return access.present({ ...record, [field.key]: recipient })[field.key] ?? masked
}

/**
 * The record's relations filled in for its profile (a title to show and open): each target read within the
 * viewer's scope and masked for them, as the records API's `expand` does, but without the rollups a scoped
 * viewer sees computed live — a store's revenue over every order of the store would make one customer's view
 * cost as much as the store's history. Those fields (and formulas over them) are left out of the embedded
 * record.
 */
async function embedRelations(
  db: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  accessOf: (form: CompiledForm) => FormAccess,
  record: RecordJson,
  keys: string[],
): Promise<RecordJson> {
  const embedded = await Promise.all(
    keys.map(async (key): Promise<[string, RecordJson | null]> => {
      const target = app.form(form.fields.get(key)!.relation!.form)
      const targetAccess = accessOf(target)
      const value = record[key]
      // A related record outside the viewer's scope (or a form they may not read) is embedded as null.
      if (typeof value !== 'string' || !targetAccess.can('read')) return [key, null]
      const { rows } = await sql<Row>`select * from ${sql.table(`${app.schema}.${target.plan.table}`)}
        where id = ${value} and ${targetAccess.scopeSql()}`.execute(db)
      if (!rows[0]) return [key, null]
      const json = rowToJson(rows[0], target)
      for (const field of new VisibleRollups(app, target, accessOf).restricted) delete json[field]
      return [key, targetAccess.present(json)]
    }),
  )
  return keys.length ? { ...record, expand: Object.fromEntries(embedded) } : record
}

/** Everything about one record, read in one request with the viewer's access on every form it touches. */
async function timeline(
  deps: TimelineDeps,
  appKey: string,
  formKey: string,
  id: string,
  limit: number,
  viewer: Viewer | undefined,
) {
  const app: PublishedApp = await deps.apps.requirePublished(appKey)
  const accessOf = await deps.access.resolver(app, viewer)
  const form = app.form(formKey)
  const access = accessOf(form)
  const db = deps.db as unknown as DynamicDb
  const expand = form.schema.fields
    .filter((f) => f.type === 'relation' && !f.archived && access.canSeeField(f.key))
    .map((f) => f.key)
  // The record is read alongside the rest (its live rollups for a scoped viewer take several queries), but
  // awaited first: out of scope or absent answers 404 and nothing read beside it is returned.
  const found = new RecordReader(app, form, accessOf)
    .get(db, id)
    .then((record) => embedRelations(db, app, form, accessOf, record, expand))

  // Forms the viewer may not read are left out (not an error): a clerk's customer view has no surveys.
  const children = reverseRelations(app.definition, formKey).filter(
    (r) => app.hasForm(r.form) && accessOf(app.form(r.form)).can('read'),
  )
  const related = children.map(async (relation) => {
    const child = app.form(relation.form)
    const childAccess = accessOf(child)
    if (!childAccess.canSortOrFilter(relation.field)) return undefined
    const sort = timeOrder(child, childAccess)
    const page: ListResult = await new RecordReader(app, child, accessOf).list(db, {
      filter: { '==': [{ var: relation.field }, id] },
      sort,
      limit,
      count: true,
    })
    return { form: relation.form, via: relation.field, sort, ...page }
  })

  const ruleKeys = ((app.definition.rules ?? []) as Array<{ key?: string; trigger?: { form?: string } }>)
    .filter((rule) => rule.trigger?.form === formKey && typeof rule.key === 'string')
    .map((rule) => rule.key!)
  const messages = ruleKeys.length
    ? sql<Record<string, unknown>>`select id::text, rule_key, channel, recipient, subject, body, status,
        created_at, sent_at from trellis.messages
        where app_key = ${appKey} and record_id = ${id} and rule_key = any(${ruleKeys}::text[])
        order by id desc limit ${limit}`
        .execute(db)
        .then(({ rows }) => rows)
    : Promise.resolve([])

  const flows = sql<
    Record<string, unknown>
  >`select id::text, flow_key, status, started_by, created_at, updated_at
      from trellis.flow_instances
      where app_key = ${appKey} and record_form = ${formKey} and record_id = ${id}
      order by id desc limit ${limit}`
    .execute(db)
    .then(({ rows }) =>
      rows.map((f) => ({
        id: f.id,
        flow: f.flow_key,
        status: f.status,
        startedBy: f.started_by,
        at: iso(f.created_at),
        updatedAt: iso(f.updated_at),
      })),
    )

  // Audit snapshots are the full record: shown through the same hidden/masked rules as the record itself.
  // The record's entries and the import batches that created it (auditOfRecords' two halves), each read
  // through its own index: as one OR, PostgreSQL filters every audit entry of the form.
  const audit = sql<Record<string, unknown>>`select id::text, at, actor, action, before, after from (
      (select * from trellis.audit_log
        where app_key = ${appKey} and form_key = ${formKey} and record_id = ${id}
        order by at desc, id desc limit ${limit})
      union all
      (select * from trellis.audit_log
        where app_key = ${appKey} and form_key = ${formKey} and action = ${importCreatedAction}
          and (after -> 'ids') ?| array[${id}::text] and record_id is distinct from ${id}
        order by at desc, id desc limit ${limit})
    ) as a order by at desc, id desc limit ${limit}`
    .execute(db)
    .then(({ rows }) =>
      rows.map((a) => {
        const before = (a.before as Record<string, unknown> | null) ?? null
        // An import batch's entry lists every record it created; this record is shown only itself.
        const after =
          a.action === importCreatedAction
            ? { ...(a.after as Record<string, unknown>), ids: [id] }
            : ((a.after as Record<string, unknown> | null) ?? null)
        const changed =
          before && after
            ? Object.keys(after).filter(
                (k) =>
                  !['version', 'updated_at', 'updated_by'].includes(k) &&
                  access.canSeeField(k) &&
                  JSON.stringify(before[k]) !== JSON.stringify(after[k]),
              )
            : []
        return {
          id: a.id,
          at: iso(a.at),
          actor: a.actor,
          action: a.action,
          changed,
          before: before && access.present(before),
          after: after && access.present(after),
        }
      }),
    )

  const consents = sql<Record<string, unknown>>`select id::text, channel, granted, source, at, actor
      from trellis.consents
      where app_key = ${appKey} and form_key = ${formKey} and record_id = ${id}
      order by at desc, id desc limit ${limit}`
    .execute(db)
    .then(({ rows }) => rows.map((c) => ({ ...c, at: iso(c.at) })))

  const rest = Promise.all([Promise.all(related), messages, flows, audit, consents])
  // Settled below once the record is known to be visible; never left as an unhandled rejection.
  rest.catch(() => undefined)
  const record = await found
  const [relatedPages, messageRows, flowRows, auditRows, consentRows] = await rest
  return {
    record,
    related: relatedPages.filter((r) => r !== undefined),
    messages: messageRows.map((m) => ({
      id: m.id,
      rule: m.rule_key,
      channel: m.channel,
      recipient: recipientAsShown(form, access, record, String(m.channel), m.recipient),
      subject: m.subject,
      body: m.body,
      status: m.status,
      at: iso(m.created_at),
      sentAt: m.sent_at ? iso(m.sent_at) : null,
    })),
    flows: flowRows,
    audit: auditRows,
    consents: consentRows,
  }
}

/**
 * `GET …/records/:id/timeline`: the 360° view of one record (a customer with their orders, tickets, tasks,
 * coupons, points, messages, flows and history) in one request. Related lists come newest first, page-limited,
 * each with a cursor for the records API's `/related/:child/:via` to continue.
 */
export function registerRecordTimelineRoutes(app: FastifyInstance, deps: TimelineDeps): void {
  app.get<{ Params: { app: string; form: string; id: string }; Querystring: { limit?: number } }>(
    '/api/apps/:app/forms/:form/records/:id/timeline',
    {
      schema: {
        tags: ['records'],
        summary:
          'One record with every record related to it, its messages, flow instances, consents and audit history',
        params: recordParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: timelineMaxLimit } },
        },
        response: { 200: timelineResponse },
      },
    },
    (request) => {
      const { app: appKey, form, id } = request.params
      const ctx = recordContext(request, 'records:read')
      return timeline(deps, appKey, form, id, request.query.limit ?? 20, ctx.viewer)
    },
  )
}
