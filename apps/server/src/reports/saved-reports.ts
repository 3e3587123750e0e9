import {
  ReportError,
  toChartOption,
  toTable,
  type PivotSpec,
  type ChartSpec,
  type EChartsOption,
  type Locale,
  type PivotGrid,
} from '@trellis/report-engine'
import type { PublishedApp } from '../apps/published-app.js'
import type { AccessService } from '../auth/access-service.js'
import type { Viewer } from '../auth/viewer.js'
import { AppError } from '../http/errors.js'
import { checkWidgets, specWithFilters, type FilterValue } from './dashboard-filters.js'
import { pivotCsv, pivotXlsx, type ExportFormat } from './export-pivot.js'
import type { PivotService } from './pivot-service.js'
import type { Dashboard, DashboardInput, ReportInput, ReportStore, SavedReport } from './report-store.js'
import { pivotAccessOf } from './row-scope.js'

export interface ReportRun {
  grid: PivotGrid
  cells: number
  chart: EChartsOption | null
}

export interface WidgetRun extends Partial<ReportRun> {
  key: string
  report: string
  /** Set instead of data when this widget cannot be shown to the viewer (others still are). */
  error?: { status: number; code: string; message: string; path?: string }
}

/**
 * Saved reports and dashboards: stored specs, run like any ad-hoc pivot — through the same cost guard, with
 * the viewer's row scopes, hidden and masked fields — so saving a report never widens what anyone sees.
 */
export class SavedReports {
  constructor(
    readonly store: ReportStore,
    private readonly pivots: PivotService,
    private readonly access: AccessService,
  ) {}

  /** Membership of the app (admins pass): listing and running need it, writing needs an admin. */
  async requireMember(app: PublishedApp, viewer: Viewer): Promise<void> {
    await this.access.resolver(app, viewer)
  }

  /** The saved reports over a form this viewer may read: the others' names and specs stay unlisted. */
  async visibleReports(app: PublishedApp, viewer: Viewer): Promise<SavedReport[]> {
    const accessOf = await this.access.resolver(app, viewer)
    const all = await this.store.listReports(app.key)
    return all.filter((report) => {
      try {
        return accessOf(app.form(report.spec.source)).can('read')
      } catch {
        return false // a form no longer in the published app
      }
    })
  }

  checkReport(app: PublishedApp, input: ReportInput): void {
    this.pivots.check(app, input.spec)
  }

  async checkDashboard(app: PublishedApp, input: DashboardInput): Promise<void> {
    checkWidgets(input.filters, input.widgets)
    for (const [i, widget] of input.widgets.entries()) {
      let report: SavedReport
      try {
        report = await this.store.report(app.key, widget.report)
      } catch (error) {
        if (error instanceof AppError && error.statusCode === 404)
          throw new AppError(400, 'REPORT_NOT_FOUND', error.message, `widgets.${i}.report`)
        throw error
      }
      // Each bound field must be a field the report's pivot can filter on.
      const probe = Object.fromEntries(Object.keys(widget.bind ?? {}).map((k) => [k, ['probe']]))
      const values = Object.fromEntries(
        input.filters.map((f) => [f.key, f.type === 'date_range' ? { from: '2000-01-01' } : probe[f.key]]),
      )
      this.pivots.check(app, specWithFilters(report.spec, widget, input.filters, values), `widgets.${i}.bind`)
    }
  }

  async runReport(
    app: PublishedApp,
    viewer: Viewer,
    report: Pick<SavedReport, 'spec' | 'chart'>,
    locale?: Locale,
  ): Promise<ReportRun> {
    const access = await pivotAccessOf(this.access, viewer, app, report.spec)
    const { grid, cells } = await this.pivots.pivot(app, {
      spec: report.spec,
      ...access,
      ...(locale ? { locale } : {}),
    })
    return { grid, cells, chart: report.chart ? chartOf(grid, report.chart) : null }
  }

  /**
   * A report (saved or ad hoc) as a CSV or XLSX file of its pivot table, with the viewer's access and the
   * export permission on every form it reads; the export is recorded in the audit log.
   */
  async exportReport(
    app: PublishedApp,
    viewer: Viewer,
    report: { id: string | null; name: string; spec: PivotSpec },
    format: ExportFormat,
    locale: Locale = 'zh-CN',
  ): Promise<{ body: string | Buffer; cells: number }> {
    const access = await pivotAccessOf(this.access, viewer, app, report.spec, 'export')
    const { grid, cells } = await this.pivots.pivot(app, { spec: report.spec, ...access, locale })
    const table = toTable(grid)
    const body = format === 'csv' ? pivotCsv(table) : await pivotXlsx(table, report.name)
    await this.store.recordExport(app.key, report.spec.source, report.id, viewer.userId, {
      format,
      cells,
      lines: table.lines.length,
    })
    return { body, cells }
  }

  /** Every widget's data, each through the guarded pivot path with the viewer's access; one failure stays local. */
  async runDashboard(
    app: PublishedApp,
    viewer: Viewer,
    dashboard: Dashboard,
    values: Record<string, FilterValue | null>,
    locale?: Locale,
  ): Promise<WidgetRun[]> {
    for (const key of Object.keys(values)) {
      if (!dashboard.filters.some((f) => f.key === key))
        throw new AppError(400, 'FILTER_UNKNOWN', `No dashboard filter "${key}"`, `filters.${key}`)
    }
    const runs: WidgetRun[] = []
    // One after another: each widget is a whole-form aggregate, and the cost guard is per pivot.
    for (const widget of dashboard.widgets) {
      try {
        const report = await this.store.report(app.key, widget.report)
        const spec = specWithFilters(report.spec, widget, dashboard.filters, values)
        const run = await this.runReport(app, viewer, { spec, chart: widget.chart ?? report.chart }, locale)
        runs.push({ key: widget.key, report: widget.report, ...run })
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        runs.push({
          key: widget.key,
          report: widget.report,
          error: {
            status: error.statusCode,
            code: error.code,
            message: error.message,
            ...(error.path ? { path: error.path } : {}),
          },
        })
      }
    }
    return runs
  }
}

/** Chart types are checked by the route schema; a measure the grid lacks is the report's mistake (400). */
function chartOf(grid: PivotGrid, chart: ChartSpec): EChartsOption {
  try {
    return toChartOption(grid, chart)
  } catch (error) {
    if (error instanceof ReportError)
      throw new AppError(400, 'CHART_INVALID', error.message, `chart.${error.path ?? ''}`, {
        reason: error.code,
      })
    throw error
  }
}
