import { useTranslation } from 'react-i18next'
import { getFieldType, type AppDefinition, type FormSchema } from '@trellis/form-engine'
import type { RecordEventKind, Rule, Trigger } from '@trellis/rule-engine'
import type { RulesCatalog } from '../api/rules'
import { localized } from '../i18n'
import { Field } from '../ui/Field'
import { Checkbox, Select, TextInput } from '../ui/inputs'
import type { RulesEdit } from './rules-edit'
import styles from './rules.module.css'

const KINDS: Trigger['kind'][] = ['record', 'date', 'cron', 'manual']
const EVENTS: RecordEventKind[] = ['created', 'updated', 'deleted']

/** Date-like fields a date trigger may count from: dates, datetimes and min/max rollups of them. */
function dateFields(form: FormSchema | undefined, app: AppDefinition) {
  return (form?.fields ?? []).filter((field) => {
    if (field.archived) return false
    try {
      const type = getFieldType(field.type).conditionType(field, { form, app })
      return type === 'date' || type === 'datetime'
    } catch {
      return false
    }
  })
}

/** When the rule runs: a record event, a date on the record, a schedule, or on demand. */
export function TriggerEditor({
  app,
  rule,
  catalog,
  apply,
}: {
  app: AppDefinition
  rule: Rule
  catalog: RulesCatalog | undefined
  apply(edit: RulesEdit): void
}) {
  const { t, i18n } = useTranslation()
  const trigger = rule.trigger
  const key = rule.key
  const kinds = catalog ? KINDS.filter((kind) => kind in catalog.triggers) : KINDS
  const patch = (patch: Record<string, unknown>) => apply({ type: 'patch-trigger', key, patch })
  const forms = app.forms.filter((form) => !form.archived)
  const formKey = 'form' in trigger ? trigger.form : undefined
  const form = forms.find((f) => f.key === formKey)
  const label = (text: Record<string, string>, fallback: string) => localized(text, i18n.language) || fallback

  const formSelect = (optional: boolean) => (
    <Field label={t('rules.trigger.form')}>
      {({ id }) => (
        <Select
          id={id}
          value={formKey ?? ''}
          onChange={(event) => patch({ form: event.target.value || undefined })}
        >
          {optional && <option value="">{t('rules.trigger.noForm')}</option>}
          {forms.map((f) => (
            <option key={f.key} value={f.key}>
              {label(f.label, f.key)}
            </option>
          ))}
        </Select>
      )}
    </Field>
  )

  return (
    <div className={styles.trigger}>
      <div className={styles.grid}>
        <Field label={t('rules.trigger.kind')}>
          {({ id }) => (
            <Select
              id={id}
              value={trigger.kind}
              onChange={(event) =>
                apply({ type: 'set-trigger-kind', key, kind: event.target.value as Trigger['kind'], app })
              }
            >
              {kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`rules.trigger.kinds.${kind}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {formSelect(trigger.kind === 'cron')}
        {trigger.kind === 'date' && (
          <>
            <Field label={t('rules.trigger.dateField')}>
              {({ id }) => (
                <Select
                  id={id}
                  value={trigger.field}
                  onChange={(event) => patch({ field: event.target.value })}
                >
                  <option value="" />
                  {dateFields(form, app).map((f) => (
                    <option key={f.key} value={f.key}>
                      {label(f.label, f.key)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label={t('rules.trigger.amount')} hint={t('rules.trigger.amountHint')}>
              {({ id, describedBy }) => (
                <TextInput
                  id={id}
                  type="number"
                  step={1}
                  aria-describedby={describedBy}
                  value={String(trigger.amount ?? 0)}
                  onChange={(event) => patch({ amount: Math.trunc(Number(event.target.value) || 0) })}
                />
              )}
            </Field>
            <Field label={t('rules.trigger.unitLabel')}>
              {({ id }) => (
                <Select
                  id={id}
                  value={trigger.unit ?? 'days'}
                  onChange={(event) => patch({ unit: event.target.value })}
                >
                  <option value="days">{t('rules.trigger.unit.days')}</option>
                  <option value="hours">{t('rules.trigger.unit.hours')}</option>
                </Select>
              )}
            </Field>
            <Field label={t('rules.trigger.at')} hint={t('rules.trigger.atHint')}>
              {({ id, describedBy }) => (
                <TextInput
                  id={id}
                  type="time"
                  aria-describedby={describedBy}
                  value={trigger.at ?? ''}
                  onChange={(event) => patch({ at: event.target.value || undefined })}
                />
              )}
            </Field>
            <div className={styles.checkCell}>
              <Checkbox
                label={t('rules.trigger.yearly')}
                checked={trigger.yearly === true}
                onChange={(event) => patch({ yearly: event.target.checked || undefined })}
              />
            </div>
          </>
        )}
        {trigger.kind === 'cron' && (
          <>
            <Field label={t('rules.trigger.cron')} hint={t('rules.trigger.cronHint')}>
              {({ id, describedBy }) => (
                <TextInput
                  id={id}
                  aria-describedby={describedBy}
                  value={trigger.cron}
                  spellCheck={false}
                  onChange={(event) => patch({ cron: event.target.value })}
                />
              )}
            </Field>
            <Field label={t('rules.trigger.timeZone')} hint={t('rules.trigger.timeZoneHint')}>
              {({ id, describedBy }) => (
                <TextInput
                  id={id}
                  aria-describedby={describedBy}
                  value={trigger.timeZone ?? ''}
                  placeholder={app.timeZone ?? 'Asia/Shanghai'}
                  onChange={(event) => patch({ timeZone: event.target.value || undefined })}
                />
              )}
            </Field>
          </>
        )}
      </div>
      {trigger.kind === 'record' && (
        <>
          <div className={styles.inline} role="group" aria-label={t('rules.trigger.events')}>
            <span className={styles.inlineLabel}>{t('rules.trigger.events')}</span>
            {EVENTS.map((event) => (
              <Checkbox
                key={event}
                label={t(`rules.trigger.on.${event}`)}
                checked={trigger.on.includes(event)}
                onChange={(change) => {
                  const on = change.target.checked
                    ? EVENTS.filter((e) => e === event || trigger.on.includes(e))
                    : trigger.on.filter((e) => e !== event)
                  patch({ on })
                }}
              />
            ))}
          </div>
          {trigger.on.includes('updated') && (
            <div className={styles.inline} role="group" aria-label={t('rules.trigger.fields')}>
              <span className={styles.inlineLabel}>{t('rules.trigger.fields')}</span>
              {(form?.fields ?? [])
                .filter((f) => !f.archived)
                .map((f) => (
                  <button
                    key={f.key}
                    type="button"
                    className={styles.chip}
                    aria-pressed={trigger.fields?.includes(f.key) ?? false}
                    onClick={() => {
                      const current = trigger.fields ?? []
                      const next = current.includes(f.key)
                        ? current.filter((k) => k !== f.key)
                        : [...current, f.key]
                      patch({ fields: next.length ? next : undefined })
                    }}
                  >
                    {label(f.label, f.key)}
                  </button>
                ))}
              <span className={styles.hint}>{t('rules.trigger.fieldsHint')}</span>
            </div>
          )}
        </>
      )}
    </div>
  )
}
