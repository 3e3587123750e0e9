import type { ChartSpec, PivotSpec } from '@trellis/report-engine'
import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import type { DashboardFilter, DashboardWidget, LocalizedName } from './dashboard-filters.js'
import { writeAuditEntry } from '../audit/audit-entry.js'

export interface SavedReport {
  id: string
  app: string
  name: LocalizedName
  spec: PivotSpec
  chart: ChartSpec | null
  version: number
  createdBy: string | null
  createdAt: string
  updatedAt: string
}

export interface Dashboard {
  id: string
  app: string
  name: LocalizedName
  filters: DashboardFilter[]
  widgets: DashboardWidget[]
  version: number
  createdBy: string | null
  createdAt: string
  updatedAt: string
}

export type ReportInput = Pick<SavedReport, 'name' | 'spec'> & { chart?: ChartSpec | null }
export type DashboardInput = Pick<Dashboard, 'name' | 'filters' | 'widgets'>

type Row = Record<string, unknown>

const json = (value: unknown) => sql`cast(${JSON.stringify(value)} as jsonb)`
const parsed = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value)
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value))

function common(row: Row) {
  return {
    id: String(row.id),
    app: String(row.app_key),
    name: parsed(row.name) as LocalizedName,
    version: Number(row.version),
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }
}

const toReport = (row: Row): SavedReport => ({
  ...common(row),
  spec: parsed(row.spec) as PivotSpec,
  chart: (parsed(row.chart) as ChartSpec | null) ?? null,
})

const toDashboard = (row: Row): Dashboard => ({
  ...common(row),
  filters: parsed(row.filters) as DashboardFilter[],
  widgets: parsed(row.widgets) as DashboardWidget[],
})

/**
 * Saved reports and dashboards in `trellis.reports` / `trellis.dashboards`, one app at a time (every query
 * is keyed by app and id, so an id of another app is simply not found). Updates are optimistic: they carry
 * the version they read and lose with 409 VERSION_CONFLICT if it moved.
 */
export class ReportStore {
  constructor(private readonly db: DynamicDb) {}

  async listReports(app: string): Promise<SavedReport[]> {
    const { rows } = await sql<Row>`select * from trellis.reports where app_key = ${app} order by id`.execute(
      this.db,
    )
    return rows.map(toReport)
  }

  async report(app: string, id: string): Promise<SavedReport> {
    const { rows } =
      await sql<Row>`select * from trellis.reports where app_key = ${app} and id = ${id}`.execute(this.db)
    if (!rows[0]) throw new AppError(404, 'REPORT_NOT_FOUND', `No report ${id} in app ${app}`)
    return toReport(rows[0])
  }

  async createReport(app: string, input: ReportInput, actor: string | null): Promise<SavedReport> {
    const { rows } =
      await sql<Row>`insert into trellis.reports (app_key, name, spec, chart, created_by, created_at, updated_at)
      values (${app}, ${json(input.name)}, ${json(input.spec)}, ${json(input.chart ?? null)}, ${actor}, now(), now())
      returning *`.execute(this.db)
    return toReport(rows[0]!)
  }

  async updateReport(app: string, id: string, version: number, input: ReportInput): Promise<SavedReport> {
    const { rows } = await sql<Row>`update trellis.reports
      set name = ${json(input.name)}, spec = ${json(input.spec)}, chart = ${json(input.chart ?? null)},
        version = version + 1, updated_at = now()
      where app_key = ${app} and id = ${id} and version = ${version} returning *`.execute(this.db)
    if (rows[0]) return toReport(rows[0])
    await this.report(app, id)
    throw conflict('report', id)
  }

  async deleteReport(app: string, id: string): Promise<void> {
    await this.report(app, id)
    const { rows } = await sql<Row>`select id from trellis.dashboards
      where app_key = ${app} and widgets @> ${json([{ report: id }])} order by id limit 1`.execute(this.db)
    if (rows[0])
      throw new AppError(
        409,
        'REPORT_IN_USE',
        `Dashboard ${String(rows[0].id)} shows report ${id}`,
        undefined,
        {
          dashboard: String(rows[0].id),
        },
      )
    await sql`delete from trellis.reports where app_key = ${app} and id = ${id}`.execute(this.db)
  }

  async listDashboards(app: string): Promise<Dashboard[]> {
    const { rows } =
      await sql<Row>`select * from trellis.dashboards where app_key = ${app} order by id`.execute(this.db)
    return rows.map(toDashboard)
  }

  async dashboard(app: string, id: string): Promise<Dashboard> {
    const { rows } =
      await sql<Row>`select * from trellis.dashboards where app_key = ${app} and id = ${id}`.execute(this.db)
    if (!rows[0]) throw new AppError(404, 'DASHBOARD_NOT_FOUND', `No dashboard ${id} in app ${app}`)
    return toDashboard(rows[0])
  }

  async createDashboard(app: string, input: DashboardInput, actor: string | null): Promise<Dashboard> {
    const { rows } =
      await sql<Row>`insert into trellis.dashboards (app_key, name, filters, widgets, created_by, created_at, updated_at)
      values (${app}, ${json(input.name)}, ${json(input.filters)}, ${json(input.widgets)}, ${actor}, now(), now())
      returning *`.execute(this.db)
    return toDashboard(rows[0]!)
  }

  async updateDashboard(app: string, id: string, version: number, input: DashboardInput): Promise<Dashboard> {
    const { rows } = await sql<Row>`update trellis.dashboards
      set name = ${json(input.name)}, filters = ${json(input.filters)}, widgets = ${json(input.widgets)},
        version = version + 1, updated_at = now()
      where app_key = ${app} and id = ${id} and version = ${version} returning *`.execute(this.db)
    if (rows[0]) return toDashboard(rows[0])
    await this.dashboard(app, id)
    throw conflict('dashboard', id)
  }

  async deleteDashboard(app: string, id: string): Promise<void> {
    await this.dashboard(app, id)
    await sql`delete from trellis.dashboards where app_key = ${app} and id = ${id}`.execute(this.db)
  }

  /** Exports leave an audit entry (who, which form and report, what format, how many cells). */
  async recordExport(
    app: string,
    source: string,
    report: string | null,
    actor: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await writeAuditEntry(this.db, {
      actor,
      app,
      form: source,
      record: report ?? '',
      action: 'export',
      after: { report, ...details },
    })
  }
}

function conflict(what: string, id: string): AppError {
  return new AppError(409, 'VERSION_CONFLICT', `The ${what} ${id} was changed by someone else; reload it`)
}
