import { useTranslation } from 'react-i18next'
import type { User } from '../api/auth'
import { Button } from '../ui/Button'
import { navigate } from '../router'
import { LanguageSwitch } from './LanguageSwitch'
import styles from './shell.module.css'

/** The top bar: home, API docs, language, and who is logged in. */
export function Header({ user, onLogout }: { user: User | undefined; onLogout: () => void }) {
  const { t } = useTranslation()
  return (
    <header className={styles.header}>
      <a
        className={styles.brand}
        href="/"
        onClick={(event) => {
          event.preventDefault()
          navigate({ page: 'apps' })
        }}
      >
        <span className={styles.logo} aria-hidden="true">
          T
        </span>
        <span className={styles.brandName}>{t('app.title')}</span>
      </a>
      <span className={styles.spacer} />
      <a className={styles.link} href="/docs" target="_blank" rel="noreferrer">
        {t('nav.apiDocs')}
      </a>
      <LanguageSwitch />
      {user && (
        <span className={styles.user}>
          <span className={styles.userName} data-testid="user">
            {user.displayName || user.username}
          </span>
          <Button size="small" variant="ghost" onClick={onLogout}>
            {t('login.logout')}
          </Button>
        </span>
      )}
    </header>
  )
}
