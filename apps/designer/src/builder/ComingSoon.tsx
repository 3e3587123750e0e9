import { useTranslation } from 'react-i18next'
import { EmptyState } from '../ui/EmptyState'
import styles from './builder.module.css'

/** A builder whose engine is not ready: says so plainly instead of showing a UI that does nothing. */
export function ComingSoon({ tab }: { tab: string }) {
  const { t } = useTranslation()
  return (
    <div className={styles.coming} data-testid={`coming-${tab}`}>
      <EmptyState title={t('coming.title', { name: t(`tabs.${tab}`) })}>
        <p>{t(`coming.${tab}`)}</p>
      </EmptyState>
    </div>
  )
}
