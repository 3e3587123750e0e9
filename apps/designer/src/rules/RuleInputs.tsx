import { useTranslation } from 'react-i18next'
import type { AppDefinition } from '@trellis/form-engine'
import type { Rule } from '@trellis/rule-engine'
import { fieldLabel, formLabel } from './rule-text'
import styles from './rules.module.css'

interface EachOption {
  form?: string
  filter?: unknown
  as?: string
}
interface AggregateOption {
  form?: string
  via?: string
  filter?: unknown
  values?: Record<string, { agg?: string; field?: string }>
}

const json = (value: unknown) => JSON.stringify(value)

/**
 * What a rule reads besides its record, shown read-only: the records of another form it runs once per (`each`,
 * bound as `$name`) and the aggregates over related records it computes first (`$name.value`). Both are edited
 * as JSON (the rule's definition) for now; here the shop owner sees what they mean.
 */
export function RuleInputs({ app, rule }: { app: AppDefinition; rule: Rule }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const extra = rule as Rule & { each?: EachOption; aggregates?: Record<string, AggregateOption> }
  const aggregates = Object.entries(extra.aggregates ?? {})
  if (!extra.each && aggregates.length === 0) return null
  return (
    <section className={styles.section} aria-label={t('rules.inputs.title')}>
      <h3 className={styles.sectionTitle}>{t('rules.inputs.title')}</h3>
      <ul className={styles.reads}>
        {extra.each && (
          <li data-input="each">
            {t('rules.inputs.each', {
              form: formLabel(app, extra.each.form, lang),
              name: `$${extra.each.as ?? ''}`,
            })}
            {extra.each.filter !== undefined && (
              <>
                {' '}
                {t('rules.inputs.filter')} <code>{json(extra.each.filter)}</code>
              </>
            )}
          </li>
        )}
        {aggregates.map(([name, spec]) => (
          <li key={name} data-input={`aggregate:${name}`}>
            {t('rules.inputs.aggregate', {
              name: `$${name}`,
              form: formLabel(app, spec?.form, lang),
              via: spec?.via ?? '',
            })}{' '}
            {Object.entries(spec?.values ?? {})
              .map(([value, v]) =>
                t('rules.inputs.value', {
                  name: `$${name}.${value}`,
                  agg: t(`rules.inputs.aggs.${v?.agg ?? ''}`, { defaultValue: v?.agg ?? '' }),
                  field: v?.field
                    ? v.field.includes('.')
                      ? v.field
                      : fieldLabel(app, spec?.form, v.field, lang)
                    : '',
                }),
              )
              .join('; ')}
            {spec?.filter !== undefined && (
              <>
                {' '}
                {t('rules.inputs.filter')} <code>{json(spec.filter)}</code>
              </>
            )}
          </li>
        ))}
      </ul>
      <p className={styles.hint}>{t('rules.inputs.hint')}</p>
    </section>
  )
}
