import type { ChartSpec, DrillCell, PivotGrid, PivotSpec } from '@trellis/report-engine'
import { request } from './client'

/** A JsonLogic condition, typed as the report engine types a pivot filter. */
export type JsonLogic = PivotSpec['filter']

export type Locale = 'zh-CN' | 'en'
export type LocalizedName = Partial<Record<Locale, string>>

export interface SavedReport {
  id: string
  app: string
  name: LocalizedName
  spec: PivotSpec
  chart: ChartSpec | null
  version: number
  updatedAt: string
}

export type ReportInput = { name: LocalizedName; spec: PivotSpec; chart?: ChartSpec | null }

/** A dashboard-wide filter: a date range (`{ from?, to? }`, inclusive) or one value. */
export interface DashboardFilter {
  key: string
  type: 'date_range' | 'value'
  label?: LocalizedName
}

/** A saved report on the dashboard's 12-column grid, bound to the global filters it follows. */
export interface DashboardWidget {
  key: string
  report: string
  x: number
  y: number
  w: number
  h: number
  title?: string
  chart?: ChartSpec
  /** Global filter key → the field of the report's pivot it restricts. */
  bind?: Record<string, string>
}

export interface Dashboard {
  id: string
  app: string
  name: LocalizedName
  filters: DashboardFilter[]
  widgets: DashboardWidget[]
  version: number
}

export type DashboardInput = Pick<Dashboard, 'name' | 'filters' | 'widgets'>

export type FilterValue = { from?: string; to?: string } | string | number | boolean | Array<string | number>

export type WidgetRun =
  | { key: string; report: string; grid: PivotGrid; cells: number; chart: Record<string, unknown> }
  | { key: string; report: string; error: { status: number; code: string; message: string } }

export interface DrillResult {
  filter: JsonLogic
  count: number
  records: Array<Record<string, unknown> & { id: string }>
}

const appUrl = (app: string) => `/api/apps/${encodeURIComponent(app)}`

export const reportsApi = {
  pivot: (app: string, spec: PivotSpec, locale: Locale) =>
    request<{ grid: PivotGrid; cells: number; summary?: string }>('POST', `${appUrl(app)}/pivot`, {
      spec,
      locale,
    }),
  drill: (app: string, spec: PivotSpec, cell: DrillCell, limit = 20) =>
    request<DrillResult>('POST', `${appUrl(app)}/pivot/drill`, { spec, cell, limit }),

  list: (app: string) => request<{ reports: SavedReport[] }>('GET', `${appUrl(app)}/reports`),
  create: (app: string, input: ReportInput) => request<SavedReport>('POST', `${appUrl(app)}/reports`, input),
  update: (app: string, id: string, input: ReportInput & { version: number }) =>
    request<SavedReport>('PUT', `${appUrl(app)}/reports/${id}`, input),
  remove: (app: string, id: string) => request<void>('DELETE', `${appUrl(app)}/reports/${id}`),

  dashboards: (app: string) => request<{ dashboards: Dashboard[] }>('GET', `${appUrl(app)}/dashboards`),
  createDashboard: (app: string, input: DashboardInput) =>
    request<Dashboard>('POST', `${appUrl(app)}/dashboards`, input),
  updateDashboard: (app: string, id: string, input: DashboardInput & { version: number }) =>
    request<Dashboard>('PUT', `${appUrl(app)}/dashboards/${id}`, input),
  removeDashboard: (app: string, id: string) => request<void>('DELETE', `${appUrl(app)}/dashboards/${id}`),
  runDashboard: (app: string, id: string, filters: Record<string, FilterValue | null>, locale: Locale) =>
    request<{ dashboard: Dashboard; widgets: WidgetRun[] }>('POST', `${appUrl(app)}/dashboards/${id}/run`, {
      filters,
      locale,
    }),

  /** Ids of a form's records matching a filter (drill-down links translate relation paths with it). */
  ids: (app: string, form: string, filter: JsonLogic, limit = 500) =>
    request<{ records: Array<{ id: string }> }>(
      'POST',
      `${appUrl(app)}/forms/${encodeURIComponent(form)}/records/query`,
      { filter, limit },
    ).then((page) => page.records.map((r) => r.id)),
}
