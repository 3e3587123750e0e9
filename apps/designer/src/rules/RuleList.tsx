import { useTranslation } from 'react-i18next'
import type { AppDefinition } from '@trellis/form-engine'
import type { Rule, RuleIssue } from '@trellis/rule-engine'
import type { PublishedRule } from '../api/rules'
import { Badge } from '../ui/Badge'
import { ruleName, triggerText } from './rule-text'
import styles from './rules.module.css'

interface RuleListProps {
  rules: Rule[]
  app: AppDefinition
  selected: string | undefined
  published: Map<string, PublishedRule> | undefined
  issues: Map<string, RuleIssue[]>
  onSelect(key: string): void
  onToggle(key: string, enabled: boolean): void
}

/** The app's rules with their state: the runtime switch of published ones, problems, unpublished ones. */
export function RuleList({ rules, app, selected, published, issues, onSelect, onToggle }: RuleListProps) {
  const { t, i18n } = useTranslation()
  if (rules.length === 0) return <p className={styles.muted}>{t('rules.none')}</p>
  return (
    <ul className={styles.list} aria-label={t('rules.title')}>
      {rules.map((rule, index) => {
        const live = published?.get(rule.key)
        const problems = issues.get(rule.key)?.length ?? 0
        return (
          <li key={`${rule.key}-${index}`} className={styles.item} aria-current={rule.key === selected}>
            <button type="button" className={styles.itemButton} onClick={() => onSelect(rule.key)}>
              <span className={styles.itemName}>{ruleName(rule, i18n.language)}</span>
              <span className={styles.itemMeta}>{triggerText(rule.trigger, app, t, i18n.language)}</span>
              <span className={styles.badges}>
                {!live && <Badge>{t('rules.unpublished')}</Badge>}
                {problems > 0 && <Badge tone="danger">{t('rules.problems', { count: problems })}</Badge>}
              </span>
            </button>
            {live && (
              <label className={styles.switch} title={t('rules.switchHint')}>
                <input
                  type="checkbox"
                  role="switch"
                  aria-label={t('rules.enabledFor', { name: ruleName(rule, i18n.language) })}
                  checked={live.enabled}
                  onChange={(event) => onToggle(rule.key, event.target.checked)}
                />
                <span>{live.enabled ? t('rules.on') : t('rules.off')}</span>
              </label>
            )}
          </li>
        )
      })}
    </ul>
  )
}
