import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppDefinition, FieldDef, JsonLogic } from '@trellis/form-engine'
import { conditionFields } from './field-kinds'
import { summarize } from './summary'
import styles from './conditions.module.css'

/** A condition as one line of readable text in the current language (lists, rule cards, role tables). */
export function ConditionSummary({
  fields,
  value,
  app,
  recordChange = false,
}: {
  fields: FieldDef[]
  value: JsonLogic | undefined
  app?: AppDefinition
  /** The condition runs on a record update (`$before`, `$after`, `$changed` read as rows). */
  recordChange?: boolean
}) {
  const { t, i18n } = useTranslation()
  const kinded = useMemo(() => conditionFields(fields, app), [fields, app])
  const text = summarize(value ?? undefined, kinded, t, i18n.language, { recordChange })
  return (
    <span className={styles.summary} title={text}>
      {text}
    </span>
  )
}
