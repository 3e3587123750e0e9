import type { AppDefinition } from '@trellis/form-engine'
import { useTranslation } from 'react-i18next'
import { localized } from '../i18n'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import styles from './forms.module.css'

export interface FormListProps {
  app: AppDefinition
  selected: string | null
  issueCounts: ReadonlyMap<string, number>
  onSelect: (form: string) => void
  onNew: () => void
}

export function FormList({ app, selected, issueCounts, onSelect, onNew }: FormListProps) {
  const { t, i18n } = useTranslation()
  return (
    <section className={styles.formList} aria-label={t('forms.heading')}>
      <div className={styles.sectionHead}>
        <h2 className={styles.sectionTitle}>{t('forms.heading')}</h2>
        <Button size="small" onClick={onNew}>
          + {t('forms.new')}
        </Button>
      </div>
      <ul className={styles.formItems}>
        {app.forms
          .filter((form) => !form.archived)
          .map((form) => (
            <li key={form.key}>
              <button
                type="button"
                className={styles.formItem}
                aria-current={form.key === selected || undefined}
                onClick={() => onSelect(form.key)}
              >
                <span>{localized(form.label, i18n.language) || form.key}</span>
                {(issueCounts.get(form.key) ?? 0) > 0 && (
                  <Badge tone="danger">{issueCounts.get(form.key)}</Badge>
                )}
              </button>
            </li>
          ))}
      </ul>
    </section>
  )
}
