import {
  DndContext,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core'
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client'
import { reportsApi, type Dashboard, type DashboardWidget, type SavedReport } from '../api/reports'
import { workspaceApi, type PublishedView } from '../api/workspace'
import type { BuilderTabProps } from '../builder/builder-tab'
import { textOf } from '../charts/format'
import { engineLocale } from '../i18n'
import { paletteFields } from '../reports/state/palette-fields'
import { Button } from '../ui/Button'
import { EmptyState } from '../ui/EmptyState'
import { Select, TextInput } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import panes from '../ui/panes.module.css'
import styles from './dashboards.module.css'
import { FilterBar } from './FilterBar'
import { dashboardReducer, emptyDashboard, toDashboardInput } from './state/dashboard-reducer'
import { useReportGrids } from './use-report-grids'
import { ROW_HEIGHT, WidgetCard } from './WidgetCard'

const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error))

/** The drop target after the last widget: a widget dropped here goes last. */
function GridEnd() {
  const { t } = useTranslation()
  const { setNodeRef, isOver } = useDroppable({ id: 'grid-end', data: {} })
  return (
    <div ref={setNodeRef} className={styles.gridEnd} data-over={isOver || undefined}>
      {t('dashboards.dropLast')}
    </div>
  )
}

/**
 * The dashboard editor: saved reports and KPI cards on a 12-column grid (drag a card's handle to reorder,
 * its right edge to resize), global filters bound to each widget's fields, saved through the dashboards API.
 */
export default function DashboardsTab({ appKey, publishedVersion }: BuilderTabProps) {
  const { t, i18n } = useTranslation()
  const locale = engineLocale(i18n.language)
  const [published, setPublished] = useState<PublishedView['definition'] | null>(null)
  const [reports, setReports] = useState<SavedReport[]>([])
  const [dashboards, setDashboards] = useState<Dashboard[]>([])
  const [draft, dispatch] = useReducer(dashboardReducer, emptyDashboard)
  const [pick, setPick] = useState('')
  const [notice, setNotice] = useState<{ tone: 'danger' | 'success'; text: string } | null>(null)
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }))

  const refresh = useCallback(
    () =>
      reportsApi.dashboards(appKey).then(
        ({ dashboards: list }) => setDashboards(list),
        (e) => setNotice({ tone: 'danger', text: message(e) }),
      ),
    [appKey],
  )
  useEffect(() => {
    if (publishedVersion === null) return
    workspaceApi.published(appKey).then(
      (view) => setPublished(view.definition),
      (e) => setNotice({ tone: 'danger', text: message(e) }),
    )
    reportsApi.list(appKey).then(
      ({ reports: list }) => setReports(list),
      (e) => setNotice({ tone: 'danger', text: message(e) }),
    )
    void refresh()
  }, [appKey, publishedVersion, refresh])

  const grids = useReportGrids(
    appKey,
    reports,
    draft.widgets.map((w) => w.report),
    locale,
  )
  const fieldsOf = useMemo(() => {
    const cache = new Map<string, ReturnType<typeof paletteFields>>()
    return (widget: DashboardWidget) => {
      const source = reports.find((r) => r.id === widget.report)?.spec.source
      if (!published || !source) return []
      if (!cache.has(source)) cache.set(source, paletteFields(published, source))
      return cache.get(source)!
    }
  }, [published, reports])

  if (publishedVersion === null)
    return (
      <div className={`${panes.mainColumn} ${styles.page}`}>
        <EmptyState title={t('dashboards.unpublished')} />
      </div>
    )

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const key = (active.data.current as { widget?: string } | undefined)?.widget
    if (!key || !over) return
    const before = (over.data.current as { before?: string } | undefined)?.before
    dispatch({ type: 'moveWidget', key, ...(before ? { before } : {}) })
  }

  const addWidget = (kpi: boolean) => {
    const report = reports.find((r) => r.id === pick)
    if (!report) return
    const fields = published ? paletteFields(published, report.spec.source) : []
    // New widgets follow the filters already there when their report has the bound field.
    const bind: Record<string, string> = {}
    for (const f of draft.filters) {
      const field = draft.widgets
        .map((w) => w.bind?.[f.key])
        .find((ref) => ref && fields.some((p) => p.ref === ref))
      if (field) bind[f.key] = field
    }
    dispatch({ type: 'addWidget', report: report.id, ...(kpi ? { chart: 'kpi' as const } : {}), bind })
  }

  const save = async () => {
    setNotice(null)
    try {
      const input = toDashboardInput(draft)
      const saved =
        draft.id && draft.version
          ? await reportsApi.updateDashboard(appKey, draft.id, { ...input, version: draft.version })
          : await reportsApi.createDashboard(appKey, input)
      dispatch({ type: 'saved', dashboard: saved })
      setNotice({ tone: 'success', text: t('dashboards.saved', { name: textOf(saved.name, i18n.language) }) })
      void refresh()
    } catch (e) {
      setNotice({ tone: 'danger', text: message(e) })
    }
  }

  const remove = async () => {
    if (!draft.id) return
    try {
      await reportsApi.removeDashboard(appKey, draft.id)
      dispatch({ type: 'new' })
      void refresh()
    } catch (e) {
      setNotice({ tone: 'danger', text: message(e) })
    }
  }

  return (
    <div className={`${panes.mainColumn} ${styles.page}`} data-testid="dashboard-editor">
      <div className={styles.toolbar}>
        <Select
          aria-label={t('dashboards.pick')}
          value={draft.id ?? ''}
          onChange={(e) => {
            const dashboard = dashboards.find((d) => d.id === e.target.value)
            dispatch(dashboard ? { type: 'load', dashboard } : { type: 'new' })
          }}
        >
          <option value="">{t('dashboards.new')}</option>
          {dashboards.map((d) => (
            <option key={d.id} value={d.id}>
              {textOf(d.name, i18n.language) || d.id}
            </option>
          ))}
        </Select>
        <TextInput
          aria-label={t('dashboards.nameZh')}
          placeholder={t('dashboards.nameZh')}
          value={draft.name['zh-CN'] ?? ''}
          onChange={(e) => dispatch({ type: 'rename', name: { ...draft.name, 'zh-CN': e.target.value } })}
        />
        <TextInput
          aria-label={t('dashboards.nameEn')}
          placeholder={t('dashboards.nameEn')}
          value={draft.name.en ?? ''}
          onChange={(e) => {
            const { en: _en, ...rest } = draft.name
            dispatch({ type: 'rename', name: e.target.value ? { ...rest, en: e.target.value } : rest })
          }}
        />
        <span className={styles.grow} />
        {draft.id && (
          <Button variant="danger" onClick={() => void remove()}>
            {t('dashboards.delete')}
          </Button>
        )}
        <Button
          variant="primary"
          disabled={!draft.name['zh-CN']?.trim() || !draft.widgets.length}
          onClick={() => void save()}
        >
          {t('dashboards.save')}
        </Button>
      </div>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      <div className={styles.toolbar}>
        <Select aria-label={t('dashboards.report')} value={pick} onChange={(e) => setPick(e.target.value)}>
          <option value="">{t('dashboards.pickReport')}</option>
          {reports.map((r) => (
            <option key={r.id} value={r.id}>
              {textOf(r.name, i18n.language) || r.id}
            </option>
          ))}
        </Select>
        <Button disabled={!pick} onClick={() => addWidget(false)}>
          {t('dashboards.addChart')}
        </Button>
        <Button disabled={!pick} onClick={() => addWidget(true)}>
          {t('dashboards.addKpi')}
        </Button>
        {!reports.length && <span className={styles.hint}>{t('dashboards.noReports')}</span>}
      </div>
      <FilterBar filters={draft.filters} widgets={draft.widgets} fieldsOf={fieldsOf} dispatch={dispatch} />
      {draft.widgets.length === 0 ? (
        <EmptyState title={t('dashboards.empty')} />
      ) : (
        <DndContext sensors={sensors} onDragEnd={onDragEnd}>
          <div className={styles.grid} style={{ gridAutoRows: ROW_HEIGHT }} data-testid="dashboard-grid">
            {draft.widgets.map((w) => (
              <WidgetCard
                key={w.key}
                widget={w}
                report={reports.find((r) => r.id === w.report)}
                grid={grids[w.report]}
                filters={draft.filters}
                fields={fieldsOf(w)}
                dispatch={dispatch}
              />
            ))}
          </div>
          <GridEnd />
        </DndContext>
      )}
    </div>
  )
}
