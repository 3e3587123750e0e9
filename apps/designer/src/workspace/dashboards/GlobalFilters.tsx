import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { reportsApi, type Dashboard, type FilterValue, type SavedReport } from '../../api/reports'
import { textOf } from '../../charts/format'
import { engineLocale } from '../../i18n'
import { Button } from '../../ui/Button'
import { Select, TextInput } from '../../ui/inputs'
import styles from './dashboards-view.module.css'

export type FilterValues = Record<string, FilterValue | null>

type Options = Array<{ value: string | number | boolean; label: string }>

/**
 * The values a value filter offers: the distinct values of the field it is bound to, as a one-dimension
 * pivot over the first bound widget's source (labelled as reports label them: option labels, store names).
 */
function useFilterOptions(appKey: string, dashboard: Dashboard, reports: readonly SavedReport[]) {
  const { i18n } = useTranslation()
  const locale = engineLocale(i18n.language)
  const [options, setOptions] = useState<Record<string, Options>>({})
  useEffect(() => {
    let current = true
    setOptions({})
    for (const filter of dashboard.filters) {
      if (filter.type !== 'value') continue
      const widget = dashboard.widgets.find(
        (w) => w.bind?.[filter.key] && reports.some((r) => r.id === w.report),
      )
      const report = reports.find((r) => r.id === widget?.report)
      if (!widget || !report) continue
      const spec = {
        source: report.spec.source,
        rows: [{ field: widget.bind![filter.key]! }],
        measures: [{ key: 'n', agg: 'count' as const }],
      }
      reportsApi.pivot(appKey, spec, locale).then(
        ({ grid }) => {
          if (!current) return
          const list = grid.rows
            .filter((r) => !r.total && r.cells[0]?.value !== null && r.cells[0]?.value !== undefined)
            .map((r) => ({ value: r.cells[0]!.value!, label: r.cells[0]!.label }))
          setOptions((o) => ({ ...o, [filter.key]: list }))
        },
        () => undefined,
      )
    }
    return () => {
      current = false
    }
  }, [appKey, dashboard, reports, locale])
  return options
}

/** The dashboard's global filters as inputs; every change reruns all widgets. */
export function GlobalFilters({
  appKey,
  dashboard,
  reports,
  values,
  onChange,
}: {
  appKey: string
  dashboard: Dashboard
  reports: readonly SavedReport[]
  values: FilterValues
  onChange: (values: FilterValues) => void
}) {
  const { t, i18n } = useTranslation()
  const options = useFilterOptions(appKey, dashboard, reports)
  if (!dashboard.filters.length) return null
  const set = (key: string, value: FilterValue | null) => onChange({ ...values, [key]: value })
  return (
    <section className={styles.filters} aria-label={t('workspaceDashboards.filters')}>
      {dashboard.filters.map((f) => {
        const label = textOf(f.label, i18n.language) || f.key
        const value = values[f.key]
        if (f.type === 'date_range') {
          const range = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as {
            from?: string
            to?: string
          }
          const patch = (part: 'from' | 'to', text: string) => {
            const { [part]: _old, ...rest } = range
            const next = text ? { ...rest, [part]: text } : rest
            set(f.key, Object.keys(next).length ? next : null)
          }
          return (
            <fieldset key={f.key} className={styles.filter}>
              <legend>{label}</legend>
              <TextInput
                type="date"
                aria-label={t('workspaceDashboards.from', { name: label })}
                value={range.from ?? ''}
                onChange={(e) => patch('from', e.target.value)}
              />
              <span aria-hidden="true">–</span>
              <TextInput
                type="date"
                aria-label={t('workspaceDashboards.to', { name: label })}
                value={range.to ?? ''}
                onChange={(e) => patch('to', e.target.value)}
              />
            </fieldset>
          )
        }
        const list = options[f.key]
        return (
          <fieldset key={f.key} className={styles.filter}>
            <legend>{label}</legend>
            {list ? (
              <Select
                aria-label={label}
                value={value === null || value === undefined ? '' : JSON.stringify(value)}
                onChange={(e) =>
                  set(f.key, e.target.value ? (JSON.parse(e.target.value) as FilterValue) : null)
                }
              >
                <option value="">{t('workspaceDashboards.all')}</option>
                {list.map((o) => (
                  <option key={JSON.stringify(o.value)} value={JSON.stringify(o.value)}>
                    {o.label}
                  </option>
                ))}
              </Select>
            ) : (
              <TextInput
                aria-label={label}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => set(f.key, e.target.value || null)}
              />
            )}
          </fieldset>
        )
      })}
      <Button size="small" variant="ghost" onClick={() => onChange({})}>
        {t('workspaceDashboards.clear')}
      </Button>
    </section>
  )
}
