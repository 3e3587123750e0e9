import type { TimeSpec } from '@trellis/flow-engine'
import { useTranslation } from 'react-i18next'
import { JsonEditor } from '../forms/JsonEditor'
import { Field } from '../ui/Field'
import { Checkbox, Select, TextInput } from '../ui/inputs'

/** A TimeSpec: an ISO 8601 duration from entering the node, or a date computed from the instance data. */
export function TimeSpecEditor({
  label,
  value,
  onChange,
  group,
}: {
  label: string
  value: TimeSpec
  onChange: (value: TimeSpec, group?: string) => void
  group: string
}) {
  const { t } = useTranslation()
  return (
    <>
      <Field label={label}>
        {({ id }) => (
          <Select
            id={id}
            value={value.kind}
            onChange={(event) =>
              onChange(
                event.target.value === 'date'
                  ? { kind: 'date', expression: { var: 'record.due_date' } }
                  : { kind: 'duration', duration: 'P1D' },
              )
            }
          >
            <option value="duration">{t('flows.time.duration')}</option>
            <option value="date">{t('flows.time.date')}</option>
          </Select>
        )}
      </Field>
      {value.kind === 'duration' ? (
        <Field label={t('flows.time.durationValue')} hint={t('flows.time.durationHint')}>
          {({ id, describedBy }) => (
            <TextInput
              id={id}
              aria-describedby={describedBy}
              value={value.duration}
              onChange={(event) => onChange({ ...value, duration: event.target.value }, `${group}:duration`)}
            />
          )}
        </Field>
      ) : (
        <>
          <JsonEditor
            label={t('flows.time.expression')}
            hint={t('flows.time.expressionHint')}
            value={value.expression}
            onChange={(expression) =>
              onChange({ ...value, expression: expression ?? null }, `${group}:expression`)
            }
          />
          <Field label={t('flows.time.offset')} hint={t('flows.time.offsetHint')}>
            {({ id, describedBy }) => (
              <TextInput
                id={id}
                aria-describedby={describedBy}
                value={value.offset ?? ''}
                onChange={(event) => {
                  const { offset: _old, ...rest } = value
                  onChange(
                    event.target.value ? { ...rest, offset: event.target.value } : rest,
                    `${group}:offset`,
                  )
                }}
              />
            )}
          </Field>
          <Field label={t('flows.time.time')}>
            {({ id }) => (
              <TextInput
                id={id}
                type="time"
                value={value.time ?? ''}
                onChange={(event) => {
                  const { time: _old, ...rest } = value
                  onChange(event.target.value ? { ...rest, time: event.target.value } : rest)
                }}
              />
            )}
          </Field>
          <Checkbox
            label={t('flows.time.yearly')}
            checked={value.yearly ?? false}
            onChange={(event) => {
              const { yearly: _old, ...rest } = value
              onChange(event.target.checked ? { ...rest, yearly: true } : rest)
            }}
          />
        </>
      )}
    </>
  )
}
