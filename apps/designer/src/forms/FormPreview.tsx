import {
  compileFormValidator,
  fieldStates,
  formatFieldError,
  type FieldDef,
  type FieldError,
  type FormSchema,
} from '@trellis/form-engine'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { engineLocale, localized } from '../i18n'
import { Button } from '../ui/Button'
import { Field } from '../ui/Field'
import { Checkbox, Select, TextArea, TextInput } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import styles from './forms.module.css'
import { GRID_COLUMNS, spanOf, type DesignedForm } from './state/layout'
import { isSampled, toSampleRecord, type PreviewInput } from './state/preview-input'

type Check = { ok: true } | { ok: false; errors: FieldError[] } | { unavailable: string } | { blocked: true }

function validate(form: FormSchema, record: Record<string, unknown>): Check {
  try {
    const result = compileFormValidator(form)(record, { mode: 'create' })
    return result.ok ? { ok: true } : { ok: false, errors: result.errors }
  } catch (error) {
    // ajv compiles validators to code with new Function; a page whose Content-Security-Policy lacks
    // 'unsafe-eval' refuses that (the server's default helmet policy does; see docs/designer.md).
    if ((error as Error).name === 'EvalError') return { blocked: true }
    // A field whose config the engine cannot compile (a rollup with no target): the issues list says why.
    return { unavailable: (error as Error).message }
  }
}

function visibility(form: FormSchema, record: Record<string, unknown>): Record<string, { visible: boolean }> {
  try {
    return fieldStates(form, record)
  } catch {
    return {}
  }
}

/**
 * The form as a user will fill it, checked by the form engine's own validator (the one the server runs on
 * every write) and its messages in the current language. Errors show for fields with content, and for all
 * once "Check" is pressed, so an empty preview is not a wall of "required".
 */
export function FormPreview({ form }: { form: DesignedForm }) {
  const { t, i18n } = useTranslation()
  const locale = engineLocale(i18n.language)
  const [inputs, setInputs] = useState<Record<string, PreviewInput>>({})
  const [checkedAll, setCheckedAll] = useState(false)
  const fields = form.fields.filter((field) => !field.archived)
  const record = useMemo(() => toSampleRecord(fields, inputs), [fields, inputs])
  const check = useMemo(() => validate(form, record), [form, record])
  const states = useMemo(() => visibility(form, record), [form, record])

  const errorFor = (field: FieldDef) => {
    if (!('errors' in check)) return undefined
    const touched = checkedAll || inputs[field.key] !== undefined
    const found = check.errors.find(
      (error) => error.path === field.key || error.path.startsWith(`${field.key}.`),
    )
    return touched && found ? formatFieldError(found, locale) : undefined
  }
  const set = (key: string, value: PreviewInput) => setInputs((current) => ({ ...current, [key]: value }))

  return (
    <div className={styles.preview} data-testid="preview">
      <div className={styles.previewHead}>
        <div>
          <h2 className={styles.sectionTitle}>
            {t('preview.heading')} · {localized(form.label, i18n.language)}
          </h2>
          <p className={styles.hint}>{t('preview.hint')}</p>
        </div>
        <Button onClick={() => setCheckedAll(true)}>{t('preview.check')}</Button>
      </div>
      {'blocked' in check && <Notice tone="warning">{t('preview.blocked')}</Notice>}
      {'unavailable' in check && (
        <Notice tone="warning">{t('preview.unavailable', { message: check.unavailable })}</Notice>
      )}
      {checkedAll && 'ok' in check && check.ok && <Notice tone="success">{t('preview.valid')}</Notice>}
      <div
        className={styles.previewGrid}
        style={{ gridTemplateColumns: `repeat(${GRID_COLUMNS}, minmax(0, 1fr))` }}
      >
        {fields
          .filter((field) => states[field.key]?.visible !== false)
          .map((field) => (
            <div
              key={field.key}
              style={{ gridColumn: `span ${spanOf(form, field)}` }}
              data-preview-field={field.key}
            >
              <Field
                label={`${localized(field.label, i18n.language) || field.key}${field.required ? ' *' : ''}`}
                error={errorFor(field)}
                hint={
                  isSampled(field)
                    ? undefined
                    : field.type === 'attachment'
                      ? t('preview.upload')
                      : t('preview.computed')
                }
              >
                {(control) => (
                  <PreviewControl
                    field={field}
                    value={inputs[field.key]}
                    onChange={(v) => set(field.key, v)}
                    {...control}
                  />
                )}
              </Field>
            </div>
          ))}
      </div>
    </div>
  )
}

function PreviewControl({
  field,
  value,
  onChange,
  id,
  describedBy,
  invalid,
}: {
  field: FieldDef
  value: PreviewInput
  onChange: (value: PreviewInput) => void
  id: string
  describedBy: string | undefined
  invalid: boolean
}) {
  const { t, i18n } = useTranslation()
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': invalid }
  const text = typeof value === 'string' ? value : ''
  if (!isSampled(field)) return <TextInput {...common} disabled value="" placeholder="—" />
  switch (field.type) {
    case 'long_text':
      return <TextArea {...common} value={text} onChange={(event) => onChange(event.target.value)} />
    case 'boolean':
      return (
        <Select
          {...common}
          value={value === undefined ? '' : String(value)}
          onChange={(event) =>
            onChange(event.target.value === '' ? undefined : event.target.value === 'true')
          }
        >
          <option value="">{t('preview.none')}</option>
          <option value="true">{t('preview.yes')}</option>
          <option value="false">{t('preview.no')}</option>
        </Select>
      )
    case 'select':
      return (
        <Select {...common} value={text} onChange={(event) => onChange(event.target.value || undefined)}>
          <option value="">{t('preview.none')}</option>
          {(field.options ?? []).map((option) => (
            <option key={option.value} value={option.value}>
              {localized(option.label, i18n.language) || option.value}
            </option>
          ))}
        </Select>
      )
    case 'multi_select': {
      const chosen = Array.isArray(value) ? value : []
      return (
        <div id={id} className={styles.checks} aria-describedby={describedBy}>
          {(field.options ?? []).map((option) => (
            <Checkbox
              key={option.value}
              label={localized(option.label, i18n.language) || option.value}
              checked={chosen.includes(option.value)}
              onChange={(event) =>
                onChange(
                  event.target.checked ? [...chosen, option.value] : chosen.filter((v) => v !== option.value),
                )
              }
            />
          ))}
        </div>
      )
    }
    case 'date':
      return (
        <TextInput {...common} type="date" value={text} onChange={(event) => onChange(event.target.value)} />
      )
    case 'datetime':
      return (
        <TextInput
          {...common}
          type="datetime-local"
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
      )
    default:
      return <TextInput {...common} value={text} onChange={(event) => onChange(event.target.value)} />
  }
}
