import { useState, type Dispatch } from 'react'
import { useTranslation } from 'react-i18next'
import type { DashboardFilter, DashboardWidget } from '../api/reports'
import { textOf } from '../charts/format'
import type { PaletteField } from '../reports/state/palette-fields'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { Select, TextInput } from '../ui/inputs'
import styles from './dashboards.module.css'
import type { DashboardAction } from './state/dashboard-reducer'

/**
 * The dashboard's global filters: each is a date range or a value, bound to a field of every widget whose
 * report has that field (a widget can be re-bound or unbound on its card).
 */
export function FilterBar({
  filters,
  widgets,
  fieldsOf,
  dispatch,
}: {
  filters: readonly DashboardFilter[]
  widgets: readonly DashboardWidget[]
  /** The palette of a widget's report (its source form's fields). */
  fieldsOf: (widget: DashboardWidget) => readonly PaletteField[]
  dispatch: Dispatch<DashboardAction>
}) {
  const { t, i18n } = useTranslation()
  const [type, setType] = useState<DashboardFilter['type']>('date_range')
  const [label, setLabel] = useState('')
  const [field, setField] = useState('')
  const candidates = new Map<string, PaletteField>()
  for (const w of widgets)
    for (const f of fieldsOf(w))
      if ((type === 'date_range') === (f.use === 'date') && !candidates.has(f.ref)) candidates.set(f.ref, f)
  const fieldLabel = (f: PaletteField) =>
    `${f.via ? `${textOf(f.via.label, i18n.language)}·` : ''}${textOf(f.label, i18n.language) || f.ref}`

  const add = () => {
    let n = filters.length + 1
    while (filters.some((f) => f.key === `f${n}`)) n++
    const picked = candidates.get(field)
    const name = label.trim() || (picked ? fieldLabel(picked) : '')
    const bind = Object.fromEntries(
      widgets.map((w) => [w.key, fieldsOf(w).some((f) => f.ref === field) ? field : null]),
    )
    dispatch({
      type: 'addFilter',
      filter: {
        key: `f${n}`,
        type,
        ...(name ? { label: { [i18n.language === 'en' ? 'en' : 'zh-CN']: name } } : {}),
      },
      bind,
    })
    setLabel('')
    setField('')
  }

  return (
    <section className={styles.filterBar} aria-label={t('dashboards.filters.heading')}>
      <h2 className={styles.sectionTitle}>{t('dashboards.filters.heading')}</h2>
      <ul className={styles.filterList}>
        {filters.map((f) => (
          <li key={f.key} className={styles.filterChip}>
            <Badge>{t(`dashboards.filters.types.${f.type}`)}</Badge>
            <span>{textOf(f.label, i18n.language) || f.key}</span>
            <Button
              size="small"
              variant="ghost"
              aria-label={t('dashboards.filters.remove', { name: textOf(f.label, i18n.language) || f.key })}
              onClick={() => dispatch({ type: 'removeFilter', key: f.key })}
            >
              ×
            </Button>
          </li>
        ))}
      </ul>
      <div className={styles.filterForm}>
        <Select
          aria-label={t('dashboards.filters.type')}
          value={type}
          onChange={(e) => {
            setType(e.target.value as DashboardFilter['type'])
            setField('')
          }}
        >
          <option value="date_range">{t('dashboards.filters.types.date_range')}</option>
          <option value="value">{t('dashboards.filters.types.value')}</option>
        </Select>
        <Select
          aria-label={t('dashboards.filters.field')}
          value={field}
          onChange={(e) => setField(e.target.value)}
        >
          <option value="">{t('dashboards.filters.pickField')}</option>
          {[...candidates.values()].map((f) => (
            <option key={f.ref} value={f.ref}>
              {fieldLabel(f)}
            </option>
          ))}
        </Select>
        <TextInput
          aria-label={t('dashboards.filters.label')}
          placeholder={t('dashboards.filters.label')}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
        />
        <Button disabled={!field} onClick={add}>
          {t('dashboards.filters.add')}
        </Button>
      </div>
    </section>
  )
}
