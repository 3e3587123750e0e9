import type { FastifyInstance } from 'fastify'
import { recordContext } from '../http/actor.js'
import { AppError } from '../http/errors.js'
import type { ListOptions } from '../records/record-reader.js'
import { maxPageSize } from '../records/record-reader.js'
import { maxBulk, type BulkUpdateItem, type RecordsService } from '../records/records-service.js'
import { formKey as key, formParams, recordParams } from './schemas.js'

/** Records are open objects here: the form engine validates them against the published form. */
const record = { type: 'object', additionalProperties: true } as const
const values = { type: 'object', additionalProperties: true } as const
const listResponse = {
  type: 'object',
  properties: {
    records: { type: 'array', items: record },
    nextCursor: { type: ['string', 'null'] },
    count: { type: 'integer' },
  },
} as const
const listQueryProperties = {
  filter: { type: 'string', description: 'JsonLogic condition, as JSON' },
  sort: { type: 'string', pattern: '^-?[a-z][a-z0-9_]{0,62}$' },
  limit: { type: 'integer', minimum: 1, maximum: maxPageSize },
  cursor: { type: 'string', maxLength: 2000 },
  fields: { type: 'string', description: 'comma-separated field keys' },
  expand: { type: 'string', description: 'comma-separated relation fields' },
  deleted: { type: 'boolean' },
  count: { type: 'boolean' },
} as const

/** The envelope of a bulk write: `{ records: [item…] }`, 1 to maxBulk items. */
const bulkBody = (item: Record<string, unknown>) =>
  ({
    type: 'object',
    required: ['records'],
    additionalProperties: false,
    properties: { records: { type: 'array', minItems: 1, maxItems: maxBulk, items: item } },
  }) as const
const bulkResponse = { type: 'object', properties: { records: { type: 'array', items: record } } } as const
/** Bulk writes carry up to 1,000 records and cost a transaction each: larger bodies, fewer per minute. */
const bulkLimits = { bodyLimit: 16 * 1024 * 1024, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }

interface ListQuery {
  filter?: string
  sort?: string
  limit?: number
  cursor?: string
  fields?: string
  expand?: string
  deleted?: boolean
  count?: boolean
}

const csv = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)

function parseFilter(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError(400, 'FILTER_INVALID', 'filter is not valid JSON', 'filter')
  }
}

function listOptions(query: ListQuery): ListOptions {
  const options: ListOptions = {}
  const filter = parseFilter(query.filter)
  if (filter !== undefined) options.filter = filter
  if (query.sort) options.sort = query.sort
  if (query.limit) options.limit = query.limit
  if (query.cursor) options.cursor = query.cursor
  const fields = csv(query.fields)
  if (fields?.length) options.fields = fields
  const expand = csv(query.expand)
  if (expand?.length) options.expand = expand
  if (query.deleted) options.deleted = true
  if (query.count) options.count = true
  return options
}

type FormParams = { app: string; form: string }
type RecordParams = FormParams & { id: string }

export function registerRecordRoutes(app: FastifyInstance, records: RecordsService): void {
  const tags = ['records']
  const base = '/api/apps/:app/forms/:form/records'

  app.post<{ Params: FormParams; Body: { values: Record<string, unknown> } }>(
    base,
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Create a record',
        params: formParams,
        body: { type: 'object', required: ['values'], additionalProperties: false, properties: { values } },
        response: { 201: record },
      },
    },
    async (request, reply) => {
      const { app: appKey, form } = request.params
      const created = await records.create(
        appKey,
        form,
        request.body.values,
        recordContext(request, 'records:write'),
      )
      return reply.status(201).send(created)
    },
  )

  app.post<{ Params: FormParams; Body: { records: Array<{ values: Record<string, unknown> }> } }>(
    `${base}/bulk`,
    {
      ...bulkLimits,
      config: { ...bulkLimits.config, idempotent: true },
      schema: {
        tags,
        summary: `Create up to ${maxBulk} records, all or nothing`,
        params: formParams,
        body: bulkBody({
          type: 'object',
          required: ['values'],
          additionalProperties: false,
          properties: { values },
        }),
        response: { 201: bulkResponse },
      },
    },
    async (request, reply) => {
      const { app: appKey, form } = request.params
      const created = await records.bulkCreate(
        appKey,
        form,
        request.body.records.map((r) => r.values),
        recordContext(request, 'records:write'),
      )
      return reply.status(201).send({ records: created })
    },
  )

  app.patch<{ Params: FormParams; Body: { records: BulkUpdateItem[] } }>(
    `${base}/bulk`,
    {
      ...bulkLimits,
      schema: {
        tags,
        summary: `Update up to ${maxBulk} records, all or nothing`,
        params: formParams,
        body: bulkBody({
          type: 'object',
          required: ['id', 'version', 'values'],
          additionalProperties: false,
          properties: { id: recordParams.properties.id, version: { type: 'integer', minimum: 1 }, values },
        }),
        response: { 200: bulkResponse },
      },
    },
    async (request) => {
      const { app: appKey, form } = request.params
      return {
        records: await records.bulkUpdate(
          appKey,
          form,
          request.body.records,
          recordContext(request, 'records:write'),
        ),
      }
    },
  )

  app.get<{ Params: FormParams; Querystring: ListQuery }>(
    base,
    {
      schema: {
        tags,
        summary: 'List records: JsonLogic filter, sort, cursor pagination, field selection, expand',
        params: formParams,
        querystring: { type: 'object', additionalProperties: false, properties: listQueryProperties },
        response: { 200: listResponse },
      },
    },
    (request) =>
      records.list(
        request.params.app,
        request.params.form,
        listOptions(request.query),
        recordContext(request, 'records:read'),
      ),
  )

  app.post<{ Params: FormParams; Body: Omit<ListOptions, never> }>(
    `${base}/query`,
    {
      schema: {
        tags,
        summary: 'List records with the options in the body (for long filters)',
        params: formParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            filter: {},
            sort: listQueryProperties.sort,
            limit: listQueryProperties.limit,
            cursor: listQueryProperties.cursor,
            fields: { type: 'array', items: key },
            expand: { type: 'array', items: key },
            deleted: { type: 'boolean' },
            count: { type: 'boolean' },
          },
        },
        response: { 200: listResponse },
      },
    },
    (request) =>
      records.list(
        request.params.app,
        request.params.form,
        request.body ?? {},
        recordContext(request, 'records:read'),
      ),
  )

  app.get<{ Params: FormParams; Querystring: Pick<ListQuery, 'filter' | 'deleted'> }>(
    `${base}/count`,
    {
      schema: {
        tags,
        params: formParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { filter: listQueryProperties.filter, deleted: listQueryProperties.deleted },
        },
        response: { 200: { type: 'object', properties: { count: { type: 'integer' } } } },
      },
    },
    async (request) => {
      const options: Pick<ListOptions, 'filter' | 'deleted'> = { filter: parseFilter(request.query.filter) }
      if (request.query.deleted) options.deleted = true
      return {
        count: await records.count(
          request.params.app,
          request.params.form,
          options,
          recordContext(request, 'records:read'),
        ),
      }
    },
  )

  app.get<{ Params: RecordParams; Querystring: Pick<ListQuery, 'fields' | 'expand'> }>(
    `${base}/:id`,
    {
      schema: {
        tags,
        params: recordParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { fields: listQueryProperties.fields, expand: listQueryProperties.expand },
        },
        response: { 200: record },
      },
    },
    (request) => {
      const { app: appKey, form, id } = request.params
      const options: Pick<ListOptions, 'fields' | 'expand'> = {}
      const fields = csv(request.query.fields)
      const expand = csv(request.query.expand)
      if (fields?.length) options.fields = fields
      if (expand?.length) options.expand = expand
      return records.get(appKey, form, id, options, recordContext(request, 'records:read'))
    },
  )

  app.patch<{ Params: RecordParams; Body: { version: number; values: Record<string, unknown> } }>(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Update some fields; `version` must be the one you read (409 otherwise)',
        params: recordParams,
        body: {
          type: 'object',
          required: ['version', 'values'],
          additionalProperties: false,
          properties: { version: { type: 'integer', minimum: 1 }, values },
        },
        response: { 200: record },
      },
    },
    (request) => {
      const { app: appKey, form, id } = request.params
      return records.update(
        appKey,
        form,
        id,
        request.body.version,
        request.body.values,
        recordContext(request, 'records:write'),
      )
    },
  )

  app.delete<{ Params: RecordParams; Querystring: { version?: number } }>(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Move a record to the trash (restorable)',
        params: recordParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { version: { type: 'integer', minimum: 1 } },
        },
        response: { 200: record },
      },
    },
    (request) => {
      const { app: appKey, form, id } = request.params
      return records.remove(appKey, form, id, request.query.version, recordContext(request, 'records:write'))
    },
  )

  app.post<{ Params: RecordParams }>(
    `${base}/:id/restore`,
    {
      schema: {
        tags,
        summary: 'Restore a record from the trash',
        params: recordParams,
        response: { 200: record },
      },
    },
    (request) => {
      const { app: appKey, form, id } = request.params
      return records.restore(appKey, form, id, recordContext(request, 'records:write'))
    },
  )

  app.get<{ Params: RecordParams & { child: string; via: string }; Querystring: ListQuery }>(
    `${base}/:id/related/:child/:via`,
    {
      schema: {
        tags,
        summary: 'The records of another form whose relation field `via` points at this record',
        params: {
          type: 'object',
          required: ['app', 'form', 'id', 'child', 'via'],
          properties: { ...recordParams.properties, child: key, via: key },
        },
        querystring: { type: 'object', additionalProperties: false, properties: listQueryProperties },
        response: { 200: listResponse },
      },
    },
    (request) => {
      const { app: appKey, form, id, child, via } = request.params
      return records.related(
        appKey,
        form,
        id,
        child,
        via,
        listOptions(request.query),
        recordContext(request, 'records:read'),
      )
    },
  )
}
