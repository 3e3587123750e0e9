import type { DrillCell, Locale, PivotSpec } from '@trellis/report-engine'
import type { FastifyInstance } from 'fastify'
import type { AppService } from '../apps/app-service.js'
import type { Database } from '../db/database.js'
import type { RecordsService } from '../records/records-service.js'
import { PivotService } from '../reports/pivot-service.js'
import { ReportStore } from '../reports/report-store.js'
import { pivotAccessFor } from '../reports/row-scope.js'
import { SavedReports } from '../reports/saved-reports.js'
import { registerSavedReportRoutes } from './saved-reports.js'
import { appParams, locale, pivotSpec } from './schemas.js'

const spec = pivotSpec
const headerCell = {
  type: 'object',
  required: ['value'],
  properties: { value: { description: 'string, number, boolean or null' }, others: { type: 'boolean' } },
} as const
const grid = { type: 'object', additionalProperties: true } as const

interface PivotBody {
  spec: PivotSpec
  locale?: Locale
}

export function registerReportRoutes(
  app: FastifyInstance,
  apps: AppService,
  records: RecordsService,
  database: Database,
): PivotService {
  const service = new PivotService(database.db as never, apps, records)
  const tags = ['reports']

  app.post<{ Params: { app: string }; Body: PivotBody }>(
    '/api/apps/:app/pivot',
    {
      // Each pivot is one aggregate query over a whole form: bounded per user.
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Run an ad-hoc pivot: one SQL query with subtotals and totals, answered as a grid',
        params: appParams,
        body: {
          type: 'object',
          required: ['spec'],
          additionalProperties: false,
          properties: { spec, locale },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              grid,
              cells: { type: 'integer' },
              // The source form's summary that answered instead of its records, when one could.
              summary: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      const published = await service.app(request.params.app)
      const access = await pivotAccessFor(app, request, published, request.body.spec)
      return service.pivot(published, {
        spec: request.body.spec,
        ...(request.body.locale ? { locale: request.body.locale } : {}),
        ...access,
      })
    },
  )

  app.post<{ Params: { app: string }; Body: PivotBody & { cell: DrillCell; limit?: number } }>(
    '/api/apps/:app/pivot/drill',
    {
      // Each pivot is one aggregate query over a whole form: bounded per user.
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: "A pivot cell's records: the JsonLogic filter selecting them, their count and first page",
        params: appParams,
        body: {
          type: 'object',
          required: ['spec', 'cell'],
          additionalProperties: false,
          properties: {
            spec,
            locale,
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            cell: {
              type: 'object',
              required: ['rows', 'columns'],
              properties: {
                rows: { type: 'array', items: headerCell },
                columns: { type: 'array', items: headerCell },
                topValues: { type: 'object', additionalProperties: { type: 'array' } },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              filter: {},
              count: { type: 'integer' },
              records: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
        },
      },
    },
    async (request) => {
      const published = await service.app(request.params.app)
      const access = await pivotAccessFor(app, request, published, request.body.spec)
      return service.drill(published, {
        spec: request.body.spec,
        cell: request.body.cell,
        ...(request.body.limit ? { limit: request.body.limit } : {}),
        ...access,
      })
    },
  )
  registerSavedReportRoutes(
    app,
    new SavedReports(new ReportStore(database.db as never), service, app.trellis.access),
  )
  return service
}
