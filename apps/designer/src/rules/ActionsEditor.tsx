import { useTranslation } from 'react-i18next'
import type { AppDefinition, FormSchema } from '@trellis/form-engine'
import { actionTypes, type ActionConfig, type Rule } from '@trellis/rule-engine'
import type { RulesCatalog } from '../api/rules'
import { Button } from '../ui/Button'
import { Select } from '../ui/inputs'
import { ActionForm } from './ActionForm'
import type { RulesEdit } from './rules-edit'
import styles from './rules.module.css'

/** The rule's actions in order (later ones see earlier changes), each with its configuration form. */
export function ActionsEditor({
  app,
  rule,
  form,
  catalog,
  apply,
}: {
  app: AppDefinition
  rule: Rule
  form: FormSchema | undefined
  catalog: RulesCatalog | undefined
  apply(edit: RulesEdit): void
}) {
  const { t } = useTranslation()
  const key = rule.key
  const types = catalog ? Object.keys(catalog.actions) : [...actionTypes()]
  const typeLabel = (type: string) => t(`rules.actions.types.${type}`, { defaultValue: type })
  return (
    <div className={styles.actions}>
      {rule.actions.length === 0 && <p className={styles.muted}>{t('rules.actions.none')}</p>}
      {rule.actions.map((action: ActionConfig, index) => (
        <div key={index} className={styles.action} data-testid="rule-action">
          <div className={styles.actionHead}>
            <span className={styles.actionIndex}>{index + 1}</span>
            <strong>{typeLabel(action.type)}</strong>
            <span className={styles.spacer} />
            <Button
              size="small"
              variant="ghost"
              disabled={index === 0}
              aria-label={t('rules.actions.up')}
              onClick={() => apply({ type: 'move-action', key, index, to: index - 1 })}
            >
              ↑
            </Button>
            <Button
              size="small"
              variant="ghost"
              disabled={index === rule.actions.length - 1}
              aria-label={t('rules.actions.down')}
              onClick={() => apply({ type: 'move-action', key, index, to: index + 1 })}
            >
              ↓
            </Button>
            <Button size="small" variant="ghost" onClick={() => apply({ type: 'remove-action', key, index })}>
              {t('rules.actions.remove')}
            </Button>
          </div>
          <ActionForm
            app={app}
            form={form}
            action={action}
            patch={(patch) => apply({ type: 'patch-action', key, index, patch })}
          />
        </div>
      ))}
      <Select
        aria-label={t('rules.actions.add')}
        className={styles.addAction}
        value=""
        onChange={(event) =>
          event.target.value && apply({ type: 'add-action', key, action: event.target.value, app })
        }
      >
        <option value="">+ {t('rules.actions.add')}</option>
        {types.map((type) => (
          <option key={type} value={type}>
            {typeLabel(type)}
          </option>
        ))}
      </Select>
    </div>
  )
}
