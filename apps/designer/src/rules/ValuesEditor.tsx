import { useTranslation } from 'react-i18next'
import type { FieldDef, FormSchema } from '@trellis/form-engine'
import { localized } from '../i18n'
import { Button } from '../ui/Button'
import { Select } from '../ui/inputs'
import { ExpressionInput } from './ExpressionInput'
import styles from './rules.module.css'

const COMPUTED = new Set(['formula', 'rollup', 'auto_number'])
const NON_TEXT = new Set(['number', 'decimal', 'currency', 'percent', 'boolean', 'tags', 'multi_select'])

export const writableFields = (form: FormSchema | undefined): FieldDef[] =>
  (form?.fields ?? []).filter((field) => !field.archived && !COMPUTED.has(field.type))

/** `{ field: expression }` for set_fields and create_record: one line per field written. */
export function ValuesEditor({
  form,
  values,
  onChange,
  label,
}: {
  form: FormSchema | undefined
  values: Record<string, unknown>
  onChange(values: Record<string, unknown>): void
  label: string
}) {
  const { t, i18n } = useTranslation()
  const fields = writableFields(form)
  const name = (key: string) => {
    const field = fields.find((f) => f.key === key)
    return field ? localized(field.label, i18n.language) || key : key
  }
  const unused = fields.filter((field) => !(field.key in values))
  return (
    <div className={styles.values} role="group" aria-label={label}>
      {Object.entries(values).map(([key, value]) => (
        <div key={key} className={styles.valueRow}>
          <span className={styles.valueField}>{name(key)}</span>
          <span className={styles.valueEq}>=</span>
          <ExpressionInput
            label={name(key)}
            value={value}
            textual={!NON_TEXT.has(fields.find((f) => f.key === key)?.type ?? 'text')}
            onChange={(next) => onChange({ ...values, [key]: next })}
          />
          <Button
            size="small"
            variant="ghost"
            aria-label={t('rules.actions.removeValue', { field: name(key) })}
            onClick={() => {
              const next = { ...values }
              delete next[key]
              onChange(next)
            }}
          >
            ×
          </Button>
        </div>
      ))}
      {unused.length > 0 && (
        <Select
          aria-label={t('rules.actions.addValue')}
          className={styles.addValue}
          value=""
          onChange={(event) => event.target.value && onChange({ ...values, [event.target.value]: '' })}
        >
          <option value="">+ {t('rules.actions.addValue')}</option>
          {unused.map((field) => (
            <option key={field.key} value={field.key}>
              {localized(field.label, i18n.language) || field.key}
            </option>
          ))}
        </Select>
      )}
      <span className={styles.hint}>{t('rules.actions.expressionHint')}</span>
    </div>
  )
}
