import type { ChartSpec } from '@trellis/report-engine'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import {
  reportsApi,
  type Dashboard,
  type DashboardWidget,
  type SavedReport,
  type WidgetRun,
} from '../../api/reports'
import { drillCellOf, type GridCellRef } from '../../charts/chart-cell'
import { textOf } from '../../charts/format'
import { ReportView } from '../../charts/ReportView'
import { layout } from '../../dashboards/state/dashboard-reducer'
import { engineLocale } from '../../i18n'
import { navigate } from '../../router'
import { EmptyState } from '../../ui/EmptyState'
import { Select } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import type { WorkspaceViewProps } from '../views'
import styles from './dashboards-view.module.css'
import { drillFilter, filterSearch, toRecordsFilter, widgetSpec } from './drill-filter'
import { GlobalFilters, type FilterValues } from './GlobalFilters'

const ROW_HEIGHT = 64
/** The grid's gap (--space-3): a widget of h rows is h rows and h − 1 gaps tall. */
const GAP = 12
const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error))

/**
 * `/w/<app>/dashboards/<id>`: a dashboard as its users read it. The global filters apply to every widget
 * bound to them (the server ANDs them into each widget's pivot); a click on a chart point or a table value
 * opens the records behind it in the records view, filtered by that cell's condition.
 */
export default function DashboardsView({ appKey, rest, app }: WorkspaceViewProps) {
  const { t, i18n } = useTranslation()
  const locale = engineLocale(i18n.language)
  const [dashboards, setDashboards] = useState<Dashboard[] | null>(null)
  const [reports, setReports] = useState<SavedReport[]>([])
  const [values, setValues] = useState<FilterValues>({})
  const [runs, setRuns] = useState<WidgetRun[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    reportsApi.dashboards(appKey).then(
      ({ dashboards: list }) => setDashboards(list),
      (e) => setError(message(e)),
    )
    reportsApi.list(appKey).then(
      ({ reports: list }) => setReports(list),
      (e) => setError(message(e)),
    )
  }, [appKey])

  const dashboard = dashboards?.find((d) => d.id === rest[0]) ?? dashboards?.[0]
  const dashboardId = dashboard?.id
  // Another dashboard starts unfiltered (the same object when already empty, so nothing reruns).
  useEffect(() => setValues((v) => (Object.keys(v).length ? {} : v)), [dashboardId])
  useEffect(() => {
    if (!dashboardId) return
    let current = true
    setRuns(null)
    const filters = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== ''))
    reportsApi.runDashboard(appKey, dashboardId, filters, locale).then(
      (answer) => current && setRuns(answer.widgets),
      (e) => current && setError(message(e)),
    )
    return () => {
      current = false
    }
  }, [appKey, dashboardId, values, locale])

  if (error) return <Notice tone="danger">{error}</Notice>
  if (!dashboards) return <p className={styles.hint}>{t('workspaceDashboards.loading')}</p>
  if (!dashboard) return <EmptyState title={t('workspaceDashboards.none')} />

  const drill = async (widget: DashboardWidget, run: WidgetRun, cell: GridCellRef) => {
    const report = reports.find((r) => r.id === widget.report)
    if (!report || !('grid' in run)) return
    try {
      const spec = widgetSpec(report.spec, widget, dashboard.filters, values)
      const logic = drillFilter(spec, run.grid, drillCellOf(run.grid, cell), app.timeZone)
      const lookup = (form: string, filter: unknown) => reportsApi.ids(appKey, form, filter)
      const filter = await toRecordsFilter(logic, app, spec.source, lookup)
      navigate({ page: 'workspace', app: appKey, view: 'records', rest: [spec.source] }, filterSearch(filter))
    } catch (e) {
      setError(message(e))
    }
  }

  return (
    <div className={styles.page} data-testid="workspace-dashboard">
      <div className={styles.head}>
        <h1 className={styles.title}>{textOf(dashboard.name, i18n.language)}</h1>
        {dashboards.length > 1 && (
          <Select
            aria-label={t('workspaceDashboards.pick')}
            value={dashboard.id}
            onChange={(e) =>
              navigate({ page: 'workspace', app: appKey, view: 'dashboards', rest: [e.target.value] })
            }
          >
            {dashboards.map((d) => (
              <option key={d.id} value={d.id}>
                {textOf(d.name, i18n.language) || d.id}
              </option>
            ))}
          </Select>
        )}
      </div>
      <GlobalFilters
        appKey={appKey}
        dashboard={dashboard}
        reports={reports}
        values={values}
        onChange={setValues}
      />
      <p className={styles.hint}>{t('workspaceDashboards.drillHint')}</p>
      <div className={styles.grid} style={{ gridAutoRows: ROW_HEIGHT }}>
        {layout([...dashboard.widgets].sort((a, b) => a.y - b.y || a.x - b.x)).map((widget) => {
          const report = reports.find((r) => r.id === widget.report)
          const run = runs?.find((r) => r.key === widget.key)
          const title = widget.title ?? (report ? textOf(report.name, i18n.language) : '')
          const chart: ChartSpec = widget.chart ?? report?.chart ?? { type: 'table' }
          return (
            <article
              key={widget.key}
              className={styles.widget}
              style={{ gridColumn: `span ${widget.w}`, gridRow: `span ${widget.h}` }}
              data-widget={widget.key}
              aria-label={title}
            >
              <h2 className={styles.widgetTitle}>{title}</h2>
              <div className={styles.widgetBody}>
                {!run ? (
                  <p className={styles.hint}>{t('workspaceDashboards.loading')}</p>
                ) : 'error' in run ? (
                  <p className={styles.error}>{run.error.message}</p>
                ) : (
                  <ReportView
                    grid={run.grid}
                    chart={chart}
                    height={Math.max(widget.h * (ROW_HEIGHT + GAP) - GAP - 64, 100)}
                    label={title}
                    {...(report && chart.type !== 'kpi'
                      ? { onCell: (cell) => void drill(widget, run, cell) }
                      : {})}
                  />
                )}
              </div>
            </article>
          )
        })}
      </div>
    </div>
  )
}
