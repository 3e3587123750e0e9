import { useCallback, useMemo, useReducer, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recordsApi, type RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { navigate } from '../../router'
import { Button } from '../../ui/Button'
import { Select, TextInput } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import { BulkBar } from './BulkBar'
import { fieldErrorsOf } from './cell-edit'
import { ColumnChooser } from './ColumnChooser'
import { FilterBar } from './FilterBar'
import { fieldLabel } from './format-value'
import { RecordCards } from './RecordCards'
import { RecordTable } from './RecordTable'
import { SavedViews } from './SavedViews'
import {
  effectiveFilter,
  groupable,
  groupItems,
  initialState,
  sanitizeSpec,
  sortParam,
  tableReducer,
  viewSpecOf,
} from './table-state'
import { PHONE, useMediaQuery } from './useMediaQuery'
import { useRecordRows } from './useRecordRows'
import { useViewer } from './useViewer'
import styles from './records.module.css'

export interface RecordsPanelProps {
  appKey: string
  form: WorkspaceForm
  forms: WorkspaceForm[]
  urlFilter: unknown
  onForm: (form: string) => void
}

/** One form's records: search, filter, sort, group, choose columns, edit in place, act on a selection. */
export function RecordsPanel({ appKey, form, forms, urlFilter, onForm }: RecordsPanelProps) {
  const { t, i18n } = useTranslation()
  const phone = useMediaQuery(PHONE)
  const viewer = useViewer(appKey)
  const [state, dispatch] = useReducer(tableReducer, undefined, () => initialState(form, urlFilter))
  const [filtersOpen, setFiltersOpen] = useState(false)
  const [cellErrors, setCellErrors] = useState<Record<string, string>>({})
  const [notice, setNotice] = useState<string | null>(null)

  const filter = useMemo(() => effectiveFilter(form, state), [form, state])
  // Grouped without a chosen order: sort by the group's field, so each group arrives in one piece.
  const sort = state.sort ? sortParam(state.sort) : state.groupBy ? state.groupBy : '-id'
  const expand = useMemo(
    () => state.columns.filter((key) => form.fields.find((f) => f.key === key)?.type === 'relation'),
    [form, state.columns],
  )
  const rows = useRecordRows(appKey, form.key, filter, sort, expand)
  const items = useMemo(() => groupItems(rows.rows, state.groupBy), [rows.rows, state.groupBy])
  const loadMore = useCallback(() => {
    if (rows.hasMore && !rows.loading) rows.loadMore()
  }, [rows])

  const open = (record: RecordJson) =>
    navigate({ page: 'workspace', app: appKey, view: 'records', rest: [form.key, record.id] })

  const edit = async (record: RecordJson, field: string, value: unknown) => {
    const cell = `${record.id}:${field}`
    try {
      const saved = await recordsApi.update(appKey, form.key, record.id, record.version, { [field]: value })
      rows.replace(saved)
      setCellErrors(({ [cell]: _gone, ...rest }) => rest)
    } catch (error) {
      const messages = fieldErrorsOf(error, i18n.language)
      setCellErrors((current) => ({
        ...current,
        [cell]: messages[field] ?? Object.values(messages)[0] ?? '',
      }))
    }
  }

  const selectedRecords = rows.rows.filter((row) => state.selected.includes(row.id))
  const readable = forms.filter((f) => f.access.actions.includes('read'))

  return (
    <div className={styles.view} data-testid="records-view" data-form={form.key}>
      <div className={styles.head}>
        <Select
          aria-label={t('records.form')}
          value={form.key}
          onChange={(event) => onForm(event.target.value)}
          data-testid="form-picker"
        >
          {readable.map((f) => (
            <option key={f.key} value={f.key}>
              {localized(f.label, i18n.language) || f.key}
            </option>
          ))}
        </Select>
        <span className={styles.count} data-testid="record-count">
          {rows.count === null ? '' : t('records.count', { count: rows.count })}
        </span>
        <span className={styles.spacer} />
        {form.access.actions.includes('create') && (
          <Button
            variant="primary"
            onClick={() =>
              navigate({ page: 'workspace', app: appKey, view: 'records', rest: [form.key, 'new'] })
            }
          >
            {t('records.new')}
          </Button>
        )}
      </div>

      <div className={styles.toolbar}>
        <TextInput
          type="search"
          className={styles.search}
          aria-label={t('records.search')}
          placeholder={t('records.searchPlaceholder')}
          value={state.search}
          onChange={(event) => dispatch({ type: 'search', text: event.target.value })}
        />
        <Button aria-expanded={filtersOpen} onClick={() => setFiltersOpen(!filtersOpen)}>
          {t('records.filter')}
          {state.rows.length || state.filter ? ' •' : ''}
        </Button>
        {!phone && (
          <ColumnChooser
            form={form}
            columns={state.columns}
            onToggle={(field) => dispatch({ type: 'toggleColumn', field })}
            onMove={(field, by) => dispatch({ type: 'moveColumn', field, by })}
          />
        )}
        <Select
          aria-label={t('records.groupBy')}
          value={state.groupBy ?? ''}
          onChange={(event) => dispatch({ type: 'group', field: event.target.value || null })}
        >
          <option value="">{t('records.noGrouping')}</option>
          {groupable(form).map((f) => (
            <option key={f.key} value={f.key}>
              {t('records.groupedBy', { field: fieldLabel(f, f.key, i18n.language) })}
            </option>
          ))}
        </Select>
        <SavedViews
          appKey={appKey}
          form={form.key}
          role={viewer?.role ?? null}
          current={viewSpecOf(state)}
          onApply={(spec) => dispatch({ type: 'applyView', spec: sanitizeSpec(form, spec) })}
        />
        {state.urlFilter !== undefined && (
          <span className={styles.chip} data-testid="drill-filter">
            {t('records.drillFilter')}
            <button
              type="button"
              aria-label={t('records.clearDrillFilter')}
              onClick={() => {
                window.history.replaceState(null, '', window.location.pathname)
                dispatch({ type: 'clearUrlFilter' })
              }}
            >
              ×
            </button>
          </span>
        )}
      </div>

      {filtersOpen && (
        <FilterBar
          form={form}
          logic={state.filter}
          rows={state.rows}
          onLogic={(logic) => dispatch({ type: 'filterLogic', logic })}
          onRows={(list) => dispatch({ type: 'filterRows', rows: list })}
        />
      )}
      {notice && <Notice tone="success">{notice}</Notice>}
      {rows.error && <Notice tone="danger">{t('records.loadFailed', { message: rows.error })}</Notice>}
      {state.selected.length > 0 && (
        <BulkBar
          appKey={appKey}
          form={form}
          selected={selectedRecords}
          username={viewer?.username ?? ''}
          onUpdated={(list) => {
            list.forEach(rows.replace)
            setNotice(t('records.bulkDone', { count: list.length }))
          }}
          onDeleted={(ids) => {
            rows.drop(ids)
            setNotice(t('records.deletedCount', { count: ids.length }))
          }}
          onClear={() => dispatch({ type: 'clearSelection' })}
        />
      )}

      {phone ? (
        <RecordCards
          form={form}
          forms={forms}
          rows={rows.rows}
          items={items}
          columns={state.columns}
          selected={state.selected}
          groupBy={state.groupBy}
          onSelect={(id) => dispatch({ type: 'select', id })}
          onOpen={open}
          onNearEnd={loadMore}
        />
      ) : (
        <RecordTable
          form={form}
          forms={forms}
          rows={rows.rows}
          items={items}
          columns={state.columns}
          sort={state.sort}
          selected={state.selected}
          groupBy={state.groupBy}
          cellErrors={cellErrors}
          onSort={(field) => dispatch({ type: 'sort', field })}
          onSelect={(id) => dispatch({ type: 'select', id })}
          onSelectAll={(all) => dispatch({ type: 'selectAll', ids: all ? rows.rows.map((r) => r.id) : [] })}
          onOpen={open}
          onEdit={(record, field, value) => void edit(record, field, value)}
          onNearEnd={loadMore}
        />
      )}
      <span className={styles.status} aria-live="polite">
        {rows.loading
          ? t('records.loading')
          : rows.rows.length === 0 && !rows.error
            ? t('records.empty')
            : ''}
      </span>
    </div>
  )
}
