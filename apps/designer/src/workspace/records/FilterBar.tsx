import type { FieldDef } from '@trellis/form-engine'
import { lazy, Suspense, type ComponentType } from 'react'
import { useTranslation } from 'react-i18next'
import type { WorkspaceForm } from '../../api/workspace'
import { Button } from '../../ui/Button'
import { Select, TextInput } from '../../ui/inputs'
import { fieldLabel } from './format-value'
import { FILTER_OPS, liveFields, type FilterOp, type FilterRow } from './table-state'
import styles from './records.module.css'

interface BuilderProps {
  fields: FieldDef[]
  value: unknown
  onChange: (value: unknown) => void
  label?: string
}

// The shared condition builder (src/conditions) when the build has it, loaded only when a filter is opened;
// without it, the simple field · operator · value rows below do the job.
const builderModules = import.meta.glob<{ ConditionBuilder: ComponentType<BuilderProps> }>(
  '../../conditions/ConditionBuilder.tsx',
)
const loadBuilder = Object.values(builderModules)[0]
const ConditionBuilder = loadBuilder
  ? lazy(() => loadBuilder().then((module) => ({ default: module.ConditionBuilder })))
  : undefined

export interface FilterBarProps {
  form: WorkspaceForm
  logic: unknown
  rows: FilterRow[]
  onLogic: (logic: unknown) => void
  onRows: (rows: FilterRow[]) => void
}

/** The filter panel: masked fields are left out (the server refuses to filter on them). */
export function FilterBar({ form, logic, rows, onLogic, onRows }: FilterBarProps) {
  const { t, i18n } = useTranslation()
  const fields = liveFields(form).filter(
    (f) => !form.access.masked.includes(f.key) && f.type !== 'attachment',
  )
  if (ConditionBuilder) {
    return (
      <div className={styles.panel} data-testid="filter-bar">
        <Suspense fallback={<span className={styles.status}>{t('records.loading')}</span>}>
          <ConditionBuilder fields={fields} value={logic} onChange={onLogic} label={t('records.filter')} />
        </Suspense>
      </div>
    )
  }
  const set = (index: number, patch: Partial<FilterRow>) =>
    onRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)))
  return (
    <div className={styles.panel} data-testid="filter-bar">
      {rows.map((row, index) => (
        <div key={index} className={styles.filterRow}>
          <Select
            aria-label={t('records.filterField')}
            value={row.field}
            onChange={(event) => set(index, { field: event.target.value })}
          >
            {fields.map((f) => (
              <option key={f.key} value={f.key}>
                {fieldLabel(f, f.key, i18n.language)}
              </option>
            ))}
          </Select>
          <Select
            aria-label={t('records.filterOp')}
            value={row.op}
            onChange={(event) => set(index, { op: event.target.value as FilterOp })}
          >
            {FILTER_OPS.map((op) => (
              <option key={op} value={op}>
                {t(`records.ops.${op}`)}
              </option>
            ))}
          </Select>
          <TextInput
            aria-label={t('records.filterValue')}
            value={row.value}
            disabled={row.op === 'is_empty' || row.op === 'not_empty'}
            onChange={(event) => set(index, { value: event.target.value })}
          />
          <Button size="small" variant="ghost" onClick={() => onRows(rows.filter((_, i) => i !== index))}>
            {t('records.remove')}
          </Button>
        </div>
      ))}
      <div>
        <Button
          size="small"
          onClick={() => onRows([...rows, { field: fields[0]?.key ?? 'id', op: '==', value: '' }])}
        >
          {t('records.addCondition')}
        </Button>
      </div>
    </div>
  )
}
