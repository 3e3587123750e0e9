import type { TemplateDescriptor } from '@trellis/template-crm-retention'
import type { DynamicDb } from '../db/dynamic.js'
import { ReportStore } from '../reports/report-store.js'

/**
 * A template's saved reports and dashboards, written as an admin would save them (`trellis.reports`,
 * `trellis.dashboards`), in one transaction. Dashboard widgets name reports by the template's key; the
 * stored widgets carry the ids the reports got. The specs are compiled against the app by the template's
 * own tests and when they run, like any saved report.
 */
export async function installReports(
  db: DynamicDb,
  template: Pick<TemplateDescriptor, 'appKey' | 'reports' | 'dashboards'>,
  actor: string | null,
): Promise<{ reports: number; dashboards: number }> {
  const reports = template.reports()
  const dashboards = template.dashboards()
  await db.transaction().execute(async (trx) => {
    const store = new ReportStore(trx)
    const ids = new Map<string, string>()
    for (const report of reports) {
      const saved = await store.createReport(
        template.appKey,
        { name: report.name, spec: report.spec, chart: report.chart ?? null },
        actor,
      )
      ids.set(report.key, saved.id)
    }
    for (const dashboard of dashboards) {
      const widgets = dashboard.widgets.map((widget) => {
        const id = ids.get(widget.report)
        if (!id) throw new Error(`Dashboard ${dashboard.key} shows unknown report ${widget.report}`)
        return { ...widget, report: id }
      })
      await store.createDashboard(
        template.appKey,
        { name: dashboard.name, filters: dashboard.filters, widgets },
        actor,
      )
    }
  })
  return { reports: reports.length, dashboards: dashboards.length }
}
