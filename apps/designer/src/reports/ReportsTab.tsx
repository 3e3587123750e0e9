import { DndContext } from '@dnd-kit/core'
import type { AppDefinition, JsonLogic } from '@trellis/form-engine'
import type { ChartType } from '@trellis/report-engine'
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client'
import { ConditionBuilder } from '../conditions/ConditionBuilder'
import { conditionFields as kindedFields } from '../conditions/field-kinds'
import { rowToLogic } from '../conditions/logic-rows'
import { newRow } from '../conditions/rows-edit'
import { reportsApi, type DrillResult, type LocalizedName, type SavedReport } from '../api/reports'
import { workspaceApi, type PublishedView } from '../api/workspace'
import type { BuilderTabProps } from '../builder/builder-tab'
import { drillCellOf, type GridCellRef } from '../charts/chart-cell'
import { textOf } from '../charts/format'
import { ReportView } from '../charts/ReportView'
import { engineLocale } from '../i18n'
import { navigate } from '../router'
import { Button } from '../ui/Button'
import { EmptyState } from '../ui/EmptyState'
import { Checkbox, Select } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import { filterSearch, toRecordsFilter } from '../workspace/dashboards/drill-filter'
import { DrillPanel } from './DrillPanel'
import { PivotZones } from './PivotZones'
import { ReportPalette } from './ReportPalette'
import panes from '../ui/panes.module.css'
import styles from './reports.module.css'
import { SaveReportDialog } from './SaveReportDialog'
import { builderReducer, initialBuilderState, type DroppedField } from './state/builder-reducer'
import { conditionDefs, paletteFields } from './state/palette-fields'
import { toChart, toSpec } from './state/to-spec'
import { usePivotPreview } from './use-pivot-preview'
import { useDragDrop } from './use-drag-drop'

export const CHART_TYPES: readonly ChartType[] = [
  'table',
  'pivot',
  'bar',
  'stacked_bar',
  'line',
  'area',
  'pie',
  'funnel',
  'heatmap',
  'kpi',
]

const NO_NAME: LocalizedName = {}
const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error))

/**
 * The report builder: pick a form of the published app, drag its fields into rows, columns, measures and
 * filters, see the server's pivot as a table and a chart, click a value to see its records, save it.
 * Reports run against the published app (the draft's tables may not exist yet).
 */
export default function ReportsTab({ appKey, publishedVersion }: BuilderTabProps) {
  const { t, i18n } = useTranslation()
  const locale = engineLocale(i18n.language)
  const [published, setPublished] = useState<PublishedView['definition'] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [reports, setReports] = useState<SavedReport[]>([])
  const [state, dispatch] = useReducer(builderReducer, initialBuilderState)
  const [selected, setSelected] = useState<GridCellRef | null>(null)
  const [drill, setDrill] = useState<{ result: DrillResult; title: string } | null>(null)
  const [saving, setSaving] = useState<{ busy: boolean; error: string | null } | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const refresh = useCallback(
    () =>
      reportsApi.list(appKey).then(
        ({ reports: list }) => setReports(list),
        (e) => setLoadError(message(e)),
      ),
    [appKey],
  )
  useEffect(() => {
    if (publishedVersion === null) return
    workspaceApi.published(appKey).then(
      (view) => setPublished(view.definition),
      (e) => setLoadError(message(e)),
    )
    void refresh()
  }, [appKey, publishedVersion, refresh])

  const forms = useMemo(() => published?.forms ?? [], [published])
  useEffect(() => {
    if (!state.source && forms[0]) dispatch({ type: 'source', form: forms[0].key })
  }, [forms, state.source])

  const fields = useMemo(
    () => (published && state.source ? paletteFields(published, state.source) : []),
    [published, state.source],
  )
  const labelOf = useCallback(
    (ref: string) => {
      const f = fields.find((x) => x.ref === ref)
      if (!f) return ref
      const own = textOf(f.label, i18n.language) || f.ref
      return f.via ? `${textOf(f.via.label, i18n.language)}·${own}` : own
    },
    [fields, i18n.language],
  )
  const conditionFields = useMemo(() => conditionDefs(fields), [fields])
  const addCondition = useCallback(
    (field: DroppedField) => {
      const kinded = kindedFields(conditionFields, published ?? undefined)
      const target = kinded.find((k) => k.field.key === field.ref)
      if (target) dispatch({ type: 'addCondition', condition: rowToLogic(newRow(kinded, target), kinded) })
    },
    [conditionFields, published],
  )
  const dnd = useDragDrop(dispatch, addCondition)
  const spec = useMemo(() => toSpec(state, fields), [state, fields])
  const chart = useMemo(() => toChart(state), [state])
  const preview = usePivotPreview(appKey, spec, locale)
  useEffect(() => {
    setSelected(null)
    setDrill(null)
  }, [preview.grid])

  if (publishedVersion === null)
    return (
      <div className={panes.mainColumn}>
        <EmptyState title={t('reports.unpublished')} />
      </div>
    )

  const openCell = (cell: GridCellRef) => {
    const grid = preview.grid
    if (!grid || !preview.spec) return
    setSelected(cell)
    const row = grid.rows[cell.row]!
    const column = grid.columns[cell.column]!
    const title = grid.columnDimensions.length ? `${row.label} × ${column.label}` : row.label
    reportsApi.drill(appKey, preview.spec, drillCellOf(grid, cell), 20).then(
      (result) => setDrill({ result, title }),
      (e) => setNotice(message(e)),
    )
  }

  const openInWorkspace = async () => {
    if (!drill || !published || !state.source) return
    const lookup = (form: string, filter: unknown) => reportsApi.ids(appKey, form, filter)
    const filter = await toRecordsFilter(drill.result.filter, published, state.source, lookup)
    navigate({ page: 'workspace', app: appKey, view: 'records', rest: [state.source] }, filterSearch(filter))
  }

  const save = async (name: LocalizedName) => {
    if (!spec) return
    setSaving({ busy: true, error: null })
    try {
      const input = { name, spec, chart }
      const saved = state.report
        ? await reportsApi.update(appKey, state.report.id, { ...input, version: state.report.version })
        : await reportsApi.create(appKey, input)
      dispatch({ type: 'saved', report: saved })
      setSaving(null)
      setNotice(t('reports.save.done', { name: textOf(saved.name, i18n.language) }))
      void refresh()
    } catch (e) {
      setSaving({ busy: false, error: message(e) })
    }
  }

  const remove = async () => {
    if (!state.report) return
    try {
      await reportsApi.remove(appKey, state.report.id)
      dispatch({ type: 'new' })
      void refresh()
    } catch (e) {
      setNotice(message(e))
    }
  }

  const sourceForm = forms.find((f) => f.key === state.source)
  return (
    <DndContext {...dnd}>
      <div className={styles.layout} data-testid="report-builder">
        <aside className={panes.sidePane}>
          <Select
            aria-label={t('reports.source')}
            value={state.source ?? ''}
            onChange={(e) => dispatch({ type: 'source', form: e.target.value })}
          >
            {forms.map((f) => (
              <option key={f.key} value={f.key}>
                {textOf(f.label, i18n.language) || f.key}
              </option>
            ))}
          </Select>
          <ReportPalette
            fields={fields}
            onAdd={(field, zone) =>
              zone === 'filters' ? addCondition(field) : dispatch({ type: 'drop', field, zone })
            }
          />
        </aside>
        <main className={panes.mainColumn}>
          <div className={styles.toolbar}>
            <Select
              aria-label={t('reports.saved.pick')}
              value={state.report?.id ?? ''}
              onChange={(e) => {
                const report = reports.find((r) => r.id === e.target.value)
                if (report)
                  dispatch({
                    type: 'load',
                    report,
                    fields: published ? paletteFields(published, report.spec.source) : [],
                  })
                else dispatch({ type: 'new' })
              }}
            >
              <option value="">{t('reports.saved.new')}</option>
              {reports.map((r) => (
                <option key={r.id} value={r.id}>
                  {textOf(r.name, i18n.language) || r.id}
                </option>
              ))}
            </Select>
            <Select
              aria-label={t('reports.chart.type')}
              value={state.chart}
              onChange={(e) => dispatch({ type: 'chart', chart: e.target.value as ChartType })}
            >
              {CHART_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`reports.chart.types.${type}`)}
                </option>
              ))}
            </Select>
            <Checkbox
              label={t('reports.totals')}
              checked={state.totals}
              onChange={(e) => dispatch({ type: 'totals', on: e.target.checked })}
            />
            <span className={styles.grow} />
            {state.report && (
              <Button variant="danger" onClick={() => void remove()}>
                {t('reports.saved.delete')}
              </Button>
            )}
            <Button
              variant="primary"
              disabled={!spec}
              onClick={() => setSaving({ busy: false, error: null })}
            >
              {state.report ? t('reports.save.update') : t('reports.save.button')}
            </Button>
          </div>
          {loadError && <Notice tone="danger">{loadError}</Notice>}
          {notice && <Notice>{notice}</Notice>}
          {state.lossy && <Notice tone="warning">{t('reports.lossy')}</Notice>}
          <PivotZones
            state={state}
            dispatch={dispatch}
            labelOf={labelOf}
            filters={
              <ConditionBuilder
                fields={conditionFields}
                value={state.filter as JsonLogic | undefined}
                onChange={(filter) => dispatch({ type: 'filter', filter })}
                {...(published ? { app: published as unknown as AppDefinition } : {})}
                label={t('reports.zones.filters')}
              />
            }
          />
          <section className={styles.preview} aria-label={t('reports.preview')} aria-busy={preview.loading}>
            {preview.error ? (
              <Notice tone="danger">{preview.error}</Notice>
            ) : preview.grid ? (
              <>
                <ReportView
                  grid={preview.grid}
                  chart={chart}
                  withTable
                  onCell={openCell}
                  selected={selected}
                  label={t('reports.preview')}
                />
                {preview.summary && (
                  <p className={styles.hint} data-testid="pivot-summary">
                    {t('reports.fromSummary', { summary: preview.summary })}
                  </p>
                )}
              </>
            ) : (
              <p className={styles.hint}>{t('reports.previewEmpty')}</p>
            )}
          </section>
          {drill && (
            <DrillPanel
              drill={drill.result}
              form={sourceForm}
              title={drill.title}
              onClose={() => setDrill(null)}
              onOpen={() => void openInWorkspace()}
            />
          )}
        </main>
      </div>
      <SaveReportDialog
        open={saving !== null}
        initial={state.report?.name ?? NO_NAME}
        busy={saving?.busy ?? false}
        error={saving?.error ?? null}
        onSave={(name) => void save(name)}
        onClose={() => setSaving(null)}
      />
    </DndContext>
  )
}
