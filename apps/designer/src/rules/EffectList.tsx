import { useTranslation } from 'react-i18next'
import type { AppDefinition } from '@trellis/form-engine'
import { formLabel } from './rule-text'
import styles from './rules.module.css'

type Effect = Record<string, unknown>

const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))

function details(effect: Effect): string {
  switch (effect.kind) {
    case 'update_record':
    case 'create_record':
      return Object.entries((effect.values as Record<string, unknown>) ?? {})
        .map(([key, value]) => `${key} = ${json(value)}`)
        .join(', ')
    case 'message':
      return `${json(effect.to)}: ${json(effect.body)}`
    case 'skip':
      return json(effect.message)
    case 'start_flow':
      return json(effect.variables ?? {})
    case 'webhook':
      return `POST ${json(effect.url)} ${json(effect.body)}`
    default:
      return json(effect)
  }
}

/** What each action would do (a dry run's plan), one line each. */
export function EffectList({
  app,
  actions,
}: {
  app: AppDefinition
  actions: Array<{ index: number; type: string; effect: Effect }>
}) {
  const { t, i18n } = useTranslation()
  if (actions.length === 0) return <p className={styles.muted}>{t('rules.actions.none')}</p>
  return (
    <ol className={styles.effects}>
      {actions.map(({ index, type, effect }) => (
        <li key={index}>
          <strong>
            {t(`rules.effects.${String(effect.kind)}`, {
              defaultValue: type,
              form: formLabel(app, effect.form as string | undefined, i18n.language),
              channel: t(`rules.actions.channels.${String(effect.channel)}`, {
                defaultValue: String(effect.channel),
              }),
              flow: String(effect.flow ?? ''),
              reason: String(effect.reason ?? ''),
            })}
          </strong>{' '}
          <span className={styles.effectDetail}>{details(effect)}</span>
        </li>
      ))}
    </ol>
  )
}
