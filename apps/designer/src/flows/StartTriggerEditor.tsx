import type { StartTrigger } from '@trellis/flow-engine'
import { useTranslation } from 'react-i18next'
import { JsonEditor } from '../forms/JsonEditor'
import { Field } from '../ui/Field'
import { Select, TextInput } from '../ui/inputs'

/** How a flow starts: by hand, on a record event (form, event, optional condition), or by a rule. */
export function StartTriggerEditor({
  trigger,
  forms,
  onChange,
}: {
  trigger: StartTrigger
  forms: { key: string; label: string }[]
  onChange: (trigger: StartTrigger, group?: string) => void
}) {
  const { t } = useTranslation()
  return (
    <>
      <Field label={t('flows.start.trigger')}>
        {({ id }) => (
          <Select
            id={id}
            value={trigger.kind}
            onChange={(event) => {
              const kind = event.target.value
              onChange(
                kind === 'record_event'
                  ? { kind, form: forms[0]?.key ?? '', event: 'created' }
                  : kind === 'rule'
                    ? { kind }
                    : { kind: 'manual' },
              )
            }}
          >
            {(['manual', 'record_event', 'rule'] as const).map((kind) => (
              <option key={kind} value={kind}>
                {t(`flows.start.${kind}`)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {trigger.kind === 'record_event' && (
        <>
          <Field label={t('flows.start.form')}>
            {({ id }) => (
              <Select
                id={id}
                value={trigger.form}
                onChange={(event) => onChange({ ...trigger, form: event.target.value })}
              >
                {forms.map((form) => (
                  <option key={form.key} value={form.key}>
                    {form.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label={t('flows.start.event')}>
            {({ id }) => (
              <Select
                id={id}
                value={trigger.event}
                onChange={(event) =>
                  onChange({ ...trigger, event: event.target.value as 'created' | 'updated' | 'deleted' })
                }
              >
                {(['created', 'updated', 'deleted'] as const).map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`flows.start.events.${kind}`)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <JsonEditor
            label={t('flows.start.condition')}
            value={trigger.condition}
            onChange={(condition) => {
              const { condition: _old, ...rest } = trigger
              onChange(condition === undefined ? rest : { ...rest, condition }, 'trigger:condition')
            }}
          />
        </>
      )}
      {trigger.kind === 'rule' && (
        <Field label={t('flows.start.ruleKey')} hint={t('flows.start.ruleHint')}>
          {({ id, describedBy }) => (
            <TextInput
              id={id}
              aria-describedby={describedBy}
              value={trigger.rule ?? ''}
              onChange={(event) =>
                onChange(
                  event.target.value ? { kind: 'rule', rule: event.target.value } : { kind: 'rule' },
                  'trigger:rule',
                )
              }
            />
          )}
        </Field>
      )}
    </>
  )
}
