import { compileFormValidator, fieldStates, formatFieldError, type FieldError } from '@trellis/form-engine'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recordsApi, type RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { engineLocale, localized } from '../../i18n'
import { Button } from '../../ui/Button'
import { Field } from '../../ui/Field'
import { Notice } from '../../ui/Notice'
import { fieldErrorsOf } from '../records/cell-edit'
import { FieldInput } from './FieldInput'
import { drafts, fillable, initialInputs, valuesToSend, writable, type Inputs } from './form-values'
import styles from './record-form.module.css'

export interface RecordFormProps {
  appKey: string
  forms: WorkspaceForm[]
  form: WorkspaceForm
  /** The record to edit; null to create one. */
  record: RecordJson | null
  /** Values a new record starts with (the customer of a follow-up). */
  preset?: Inputs
  /** Names the draft in localStorage; defaults to the record id or "new". */
  draftId?: string
  onSaved: (record: RecordJson) => void
  onCancel: () => void
}

function clientErrors(
  form: WorkspaceForm,
  values: Record<string, unknown>,
  record: RecordJson | null,
): FieldError[] {
  try {
    const result = compileFormValidator(form)(
      values,
      record ? { mode: 'update', existing: record } : { mode: 'create' },
    )
    return result.ok ? [] : result.errors
  } catch {
    // A validator the browser cannot compile (a strict CSP without 'unsafe-eval'): the server still checks.
    return []
  }
}

/**
 * Create or edit one record: the form engine's own validator runs as the user types (the same one the server
 * runs), `visibleWhen` hides fields live, the server's errors land on their fields, and the inputs are kept
 * as a draft in localStorage until the record is saved.
 */
export function RecordForm({
  appKey,
  forms,
  form,
  record,
  preset,
  draftId,
  onSaved,
  onCancel,
}: RecordFormProps) {
  const { t, i18n } = useTranslation()
  const locale = engineLocale(i18n.language)
  const draftName = draftId ?? record?.id ?? null
  const [restored] = useState(() => drafts.load(appKey, form.key, draftName))
  const [inputs, setInputs] = useState<Inputs>(() => restored ?? initialInputs(form, record, preset))
  const [touched, setTouched] = useState<Set<string>>(new Set())
  const [submitted, setSubmitted] = useState(false)
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)
  const [showRestored, setShowRestored] = useState(restored !== null)

  useEffect(() => {
    drafts.save(appKey, form.key, draftName, inputs)
  }, [appKey, form.key, draftName, inputs])

  // Visibility is judged on the merged record, so a condition on an unchanged field still holds.
  const merged = useMemo(() => {
    const out: Record<string, unknown> = { ...(record ?? {}) }
    for (const field of fillable(form)) {
      const value = inputs[field.key]
      out[field.key] = value === '' ? null : value
    }
    return out
  }, [form, inputs, record])
  const states = useMemo(() => {
    try {
      return fieldStates(form, merged)
    } catch {
      return {}
    }
  }, [form, merged])
  const visible = (key: string) => states[key]?.visible !== false
  const values = valuesToSend(form, inputs, visible, record)
  const errors = clientErrors(form, values, record)

  const errorFor = (key: string) => {
    if (serverErrors[key]) return serverErrors[key]
    if (!submitted && !touched.has(key)) return undefined
    const found = errors.find((e) => e.path === key || e.path.startsWith(`${key}.`))
    return found ? formatFieldError(found, locale) : undefined
  }

  const set = (key: string, value: unknown) => {
    setInputs((current) => ({ ...current, [key]: value }))
    setTouched((current) => new Set(current).add(key))
    setServerErrors(({ [key]: _gone, ...rest }) => rest)
  }

  const submit = async () => {
    setSubmitted(true)
    if (errors.length) return
    setSaving(true)
    try {
      const saved = record
        ? await recordsApi.update(appKey, form.key, record.id, record.version, values)
        : await recordsApi.create(appKey, form.key, values)
      drafts.clear(appKey, form.key, draftName)
      onSaved(saved)
    } catch (error) {
      setServerErrors(fieldErrorsOf(error, i18n.language))
    } finally {
      setSaving(false)
    }
  }

  const discardDraft = () => {
    drafts.clear(appKey, form.key, draftName)
    setInputs(initialInputs(form, record, preset))
    setShowRestored(false)
    setTouched(new Set())
  }

  const general =
    serverErrors[''] ??
    Object.entries(serverErrors).find(([key]) => !form.fields.some((f) => f.key === key))?.[1]
  const wide = (type: string) => ['long_text', 'attachment', 'tags', 'multi_select'].includes(type)

  return (
    <form
      className={styles.form}
      data-testid="record-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      {showRestored && (
        <Notice tone="warning">
          {t('recordForm.draftRestored')}{' '}
          <button type="button" className={styles.linkButton} onClick={discardDraft}>
            {t('recordForm.discardDraft')}
          </button>
        </Notice>
      )}
      {general && <Notice tone="danger">{general}</Notice>}
      {submitted && errors.length > 0 && (
        <Notice tone="danger">{t('recordForm.fixErrors', { count: errors.length })}</Notice>
      )}
      <div className={styles.grid}>
        {fillable(form)
          .filter((field) => visible(field.key))
          .map((field) => (
            <div
              key={field.key}
              className={wide(field.type) ? styles.wide : undefined}
              data-form-field={field.key}
            >
              <Field
                label={`${localized(field.label, i18n.language) || field.key}${states[field.key]?.required ? ' *' : ''}`}
                error={errorFor(field.key)}
                hint={field.description ? localized(field.description, i18n.language) : undefined}
              >
                {(control) => (
                  <FieldInput
                    {...control}
                    appKey={appKey}
                    forms={forms}
                    field={field}
                    value={inputs[field.key]}
                    disabled={!writable(form, field.key)}
                    onChange={(value) => set(field.key, value)}
                  />
                )}
              </Field>
            </div>
          ))}
      </div>
      <div className={styles.actions}>
        <Button onClick={onCancel}>{t('recordForm.cancel')}</Button>
        <Button type="submit" variant="primary" disabled={saving}>
          {saving ? t('recordForm.saving') : t('recordForm.save')}
        </Button>
      </div>
    </form>
  )
}
