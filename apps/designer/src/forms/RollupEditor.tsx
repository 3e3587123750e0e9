import type { AppDefinition, RollupAggregate, RollupDef } from '@trellis/form-engine'
import { useTranslation } from 'react-i18next'
import { localized } from '../i18n'
import { Field } from '../ui/Field'
import { Select } from '../ui/inputs'

const AGGREGATES: readonly RollupAggregate[] = ['count', 'sum', 'avg', 'min', 'max']

/** A rollup: which child form, through which of its relation fields, aggregated how. */
export function RollupEditor({
  app,
  formKey,
  value,
  onChange,
}: {
  app: AppDefinition
  formKey: string
  value: RollupDef | undefined
  onChange: (value: RollupDef) => void
}) {
  const { t, i18n } = useTranslation()
  const children = app.forms.filter(
    (form) =>
      !form.archived &&
      form.fields.some((field) => field.type === 'relation' && field.relation?.form === formKey),
  )
  const child = children.find((form) => form.key === value?.form)
  const vias =
    child?.fields.filter((field) => field.type === 'relation' && field.relation?.form === formKey) ?? []
  const current: RollupDef = value ?? { form: '', via: '', aggregate: 'count' }
  const set = (change: Partial<RollupDef>) => onChange({ ...current, ...change })

  return (
    <>
      <Field label={t('props.rollupForm')}>
        {({ id }) => (
          <Select
            id={id}
            value={current.form}
            onChange={(event) => set({ form: event.target.value, via: '', field: undefined })}
          >
            <option value="">{t('props.relationNone')}</option>
            {children.map((form) => (
              <option key={form.key} value={form.key}>
                {localized(form.label, i18n.language)} ({form.key})
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('props.rollupVia')}>
        {({ id }) => (
          <Select id={id} value={current.via} onChange={(event) => set({ via: event.target.value })}>
            <option value="">—</option>
            {vias.map((field) => (
              <option key={field.key} value={field.key}>
                {localized(field.label, i18n.language)} ({field.key})
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('props.rollupAggregate')}>
        {({ id }) => (
          <Select
            id={id}
            value={current.aggregate}
            onChange={(event) => set({ aggregate: event.target.value as RollupAggregate })}
          >
            {AGGREGATES.map((aggregate) => (
              <option key={aggregate} value={aggregate}>
                {t(`aggregate.${aggregate}`)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {current.aggregate !== 'count' && (
        <Field label={t('props.rollupField')}>
          {({ id }) => (
            <Select
              id={id}
              value={current.field ?? ''}
              onChange={(event) => set({ field: event.target.value || undefined })}
            >
              <option value="">—</option>
              {(child?.fields ?? []).map((field) => (
                <option key={field.key} value={field.key}>
                  {localized(field.label, i18n.language)} ({field.key})
                </option>
              ))}
            </Select>
          )}
        </Field>
      )}
    </>
  )
}
