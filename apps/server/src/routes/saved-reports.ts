import { chartTypes, type Locale, type PivotSpec } from '@trellis/report-engine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireAdmin, requireScope } from '../auth/authenticate.js'
import type { Viewer } from '../auth/viewer.js'
import type { FilterValue } from '../reports/dashboard-filters.js'
import { attachment, exportTypes, type ExportFormat } from '../reports/export-pivot.js'
import type { DashboardInput, ReportInput } from '../reports/report-store.js'
import type { SavedReports } from '../reports/saved-reports.js'
import { anyObject, appKey, formKey, locale, pivotSpec } from './schemas.js'

const tags = ['reports']
const key = formKey
const params = {
  type: 'object',
  required: ['app'],
  properties: {
    app: appKey,
    id: { type: 'string', pattern: '^[0-9]{1,18}$' },
  },
} as const
const name = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    'zh-CN': { type: 'string', minLength: 1, maxLength: 200 },
    en: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const
const spec = pivotSpec
const chart = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: Object.keys(chartTypes) },
    measure: { type: 'string', maxLength: 63 },
    title: { type: 'string', maxLength: 200 },
  },
} as const
const reportBody = {
  type: 'object',
  required: ['name', 'spec'],
  additionalProperties: false,
  properties: { name, spec, chart: { anyOf: [chart, { type: 'null' }] } },
} as const
const filter = {
  type: 'object',
  required: ['key', 'type'],
  additionalProperties: false,
  properties: { key, type: { type: 'string', enum: ['date_range', 'value'] }, label: name },
} as const
const cell = { type: 'integer', minimum: 0, maximum: 1000 } as const
const widget = {
  type: 'object',
  required: ['key', 'report', 'x', 'y', 'w', 'h'],
  additionalProperties: false,
  properties: {
    key,
    report: { type: 'string', pattern: '^[0-9]{1,18}$' },
    x: { type: 'integer', minimum: 0, maximum: 11 },
    y: cell,
    w: { type: 'integer', minimum: 1, maximum: 12 },
    h: { type: 'integer', minimum: 1, maximum: 100 },
    title: { type: 'string', maxLength: 200 },
    chart,
    bind: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: '^[a-z][a-z0-9_]{0,62}$' },
      additionalProperties: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
} as const
const dashboardBody = {
  type: 'object',
  required: ['name', 'widgets'],
  additionalProperties: false,
  properties: {
    name,
    filters: { type: 'array', maxItems: 20, items: filter },
    widgets: { type: 'array', maxItems: 50, items: widget },
  },
} as const
const version = { version: { type: 'integer', minimum: 1 } } as const
const filterValue = {
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: { from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 } },
    },
    { type: 'string', maxLength: 200 },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
    {
      type: 'array',
      maxItems: 500,
      items: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'number' }] },
    },
  ],
} as const
const list = (what: string) =>
  ({ type: 'object', properties: { [what]: { type: 'array', items: anyObject } } }) as const

type Params = { app: string; id: string }
type Named<T> = T & { version: number }

/**
 * Saved reports and dashboards: admins design them, members list and run them. Running goes through the
 * pivot service with the viewer's own access, exactly as an ad-hoc pivot would.
 */
export function registerSavedReportRoutes(app: FastifyInstance, reports: SavedReports): void {
  const { apps } = app.trellis
  const read = (request: FastifyRequest) => requireScope(request, 'records:read')
  const member = async (request: FastifyRequest<{ Params: { app: string } }>, viewer: Viewer) => {
    const published = await apps.requirePublished(request.params.app)
    await reports.requireMember(published, viewer)
    return published
  }
  const { store } = reports

  app.get<{ Params: Params }>(
    '/api/apps/:app/reports',
    { schema: { tags, summary: 'Saved reports of an app', params, response: { 200: list('reports') } } },
    async (request) => {
      const viewer = read(request)
      const published = await member(request, viewer)
      return { reports: await reports.visibleReports(published, viewer) }
    },
  )

  app.post<{ Params: Params; Body: ReportInput }>(
    '/api/apps/:app/reports',
    {
      schema: {
        tags,
        summary: 'Save a report (checked against the published app)',
        params,
        body: reportBody,
      },
    },
    async (request, reply) => {
      const viewer = requireAdmin(request)
      const published = await apps.requirePublished(request.params.app)
      reports.checkReport(published, request.body)
      reply.code(201)
      return store.createReport(published.key, request.body, viewer.userId)
    },
  )

  app.get<{ Params: Params }>(
    '/api/apps/:app/reports/:id',
    { schema: { tags, summary: 'One saved report', params, response: { 200: anyObject } } },
    async (request) => {
      await member(request, read(request))
      return store.report(request.params.app, request.params.id)
    },
  )

  app.put<{ Params: Params; Body: Named<ReportInput> }>(
    '/api/apps/:app/reports/:id',
    {
      schema: {
        tags,
        summary: 'Change a saved report (with the version it was read at)',
        params,
        body: {
          ...reportBody,
          required: [...reportBody.required, 'version'],
          properties: { ...reportBody.properties, ...version },
        },
      },
    },
    async (request) => {
      requireAdmin(request)
      const published = await apps.requirePublished(request.params.app)
      const { version: v, ...input } = request.body
      reports.checkReport(published, input)
      return store.updateReport(published.key, request.params.id, v, input)
    },
  )

  app.delete<{ Params: Params }>(
    '/api/apps/:app/reports/:id',
    { schema: { tags, summary: 'Delete a saved report no dashboard shows', params } },
    async (request, reply) => {
      requireAdmin(request)
      await store.deleteReport(request.params.app, request.params.id)
      reply.code(204)
    },
  )

  app.post<{ Params: Params; Body: { locale?: Locale } }>(
    '/api/apps/:app/reports/:id/run',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: "Run a saved report with the viewer's access: grid and chart option",
        params,
        body: { type: 'object', additionalProperties: false, properties: { locale } },
      },
    },
    async (request) => {
      const viewer = read(request)
      const published = await member(request, viewer)
      const report = await store.report(published.key, request.params.id)
      return { report, ...(await reports.runReport(published, viewer, report, request.body?.locale)) }
    },
  )

  const format = { type: 'string', enum: ['csv', 'xlsx'] } as const
  const exportLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } }

  app.get<{ Params: Params; Querystring: { format: ExportFormat; locale?: Locale } }>(
    '/api/apps/:app/reports/:id/export',
    {
      config: exportLimit,
      schema: {
        tags,
        summary:
          "A saved report's pivot table as CSV or XLSX (headers, subtotals, totals; the viewer's access)",
        params,
        querystring: {
          type: 'object',
          required: ['format'],
          additionalProperties: false,
          properties: { format, locale },
        },
      },
    },
    async (request, reply) => {
      const viewer = read(request)
      const published = await member(request, viewer)
      const report = await store.report(published.key, request.params.id)
      const { locale: lang = 'zh-CN', format: kind } = request.query
      const title = report.name[lang] ?? report.name['zh-CN'] ?? report.name.en ?? `report-${report.id}`
      const file = await reports.exportReport(
        published,
        viewer,
        { id: report.id, name: title, spec: report.spec },
        kind,
        lang,
      )
      return reply
        .header('content-type', exportTypes[kind])
        .header('content-disposition', attachment(title, kind))
        .send(file.body)
    },
  )

  app.post<{ Params: Params; Body: { spec: PivotSpec; format: ExportFormat; locale?: Locale } }>(
    '/api/apps/:app/pivot/export',
    {
      config: exportLimit,
      schema: {
        tags,
        summary: "An ad-hoc pivot's table as CSV or XLSX (headers, subtotals, totals; the viewer's access)",
        params,
        body: {
          type: 'object',
          required: ['spec', 'format'],
          additionalProperties: false,
          properties: { spec, format, locale },
        },
      },
    },
    async (request, reply) => {
      const viewer = read(request)
      const published = await apps.requirePublished(request.params.app)
      const { spec: pivot, format: kind, locale: lang } = request.body
      const title = `pivot-${pivot.source}`
      const file = await reports.exportReport(
        published,
        viewer,
        { id: null, name: title, spec: pivot },
        kind,
        lang,
      )
      return reply
        .header('content-type', exportTypes[kind])
        .header('content-disposition', attachment(title, kind))
        .send(file.body)
    },
  )

  app.get<{ Params: Params }>(
    '/api/apps/:app/dashboards',
    { schema: { tags, summary: 'Dashboards of an app', params, response: { 200: list('dashboards') } } },
    async (request) => {
      await member(request, read(request))
      return { dashboards: await store.listDashboards(request.params.app) }
    },
  )

  app.post<{ Params: Params; Body: DashboardInput }>(
    '/api/apps/:app/dashboards',
    {
      schema: {
        tags,
        summary: 'Save a dashboard: a layout of report widgets and global filters',
        params,
        body: dashboardBody,
      },
    },
    async (request, reply) => {
      const viewer = requireAdmin(request)
      const published = await apps.requirePublished(request.params.app)
      const input = { ...request.body, filters: request.body.filters ?? [] }
      await reports.checkDashboard(published, input)
      reply.code(201)
      return store.createDashboard(published.key, input, viewer.userId)
    },
  )

  app.get<{ Params: Params }>(
    '/api/apps/:app/dashboards/:id',
    { schema: { tags, summary: 'One dashboard', params, response: { 200: anyObject } } },
    async (request) => {
      await member(request, read(request))
      return store.dashboard(request.params.app, request.params.id)
    },
  )

  app.put<{ Params: Params; Body: Named<DashboardInput> }>(
    '/api/apps/:app/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'Change a dashboard (with the version it was read at)',
        params,
        body: {
          ...dashboardBody,
          required: [...dashboardBody.required, 'version'],
          properties: { ...dashboardBody.properties, ...version },
        },
      },
    },
    async (request) => {
      requireAdmin(request)
      const published = await apps.requirePublished(request.params.app)
      const { version: v, ...body } = request.body
      const input = { ...body, filters: body.filters ?? [] }
      await reports.checkDashboard(published, input)
      return store.updateDashboard(published.key, request.params.id, v, input)
    },
  )

  app.delete<{ Params: Params }>(
    '/api/apps/:app/dashboards/:id',
    { schema: { tags, summary: 'Delete a dashboard', params } },
    async (request, reply) => {
      requireAdmin(request)
      await store.deleteDashboard(request.params.app, request.params.id)
      reply.code(204)
    },
  )

  app.post<{ Params: Params; Body: { filters?: Record<string, FilterValue | null>; locale?: Locale } }>(
    '/api/apps/:app/dashboards/:id/run',
    {
      // A dashboard runs one pivot per widget.
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: "Every widget's grid and chart with the global filters, each with the viewer's access",
        params,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            locale,
            filters: {
              type: 'object',
              maxProperties: 20,
              propertyNames: { pattern: '^[a-z][a-z0-9_]{0,62}$' },
              additionalProperties: filterValue,
            },
          },
        },
      },
    },
    async (request) => {
      const viewer = read(request)
      const published = await member(request, viewer)
      const dashboard = await store.dashboard(published.key, request.params.id)
      const widgets = await reports.runDashboard(
        published,
        viewer,
        dashboard,
        request.body?.filters ?? {},
        request.body?.locale,
      )
      return { dashboard, widgets }
    },
  )
}
