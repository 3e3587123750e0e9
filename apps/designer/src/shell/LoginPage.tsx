import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { authApi, type User } from '../api/auth'
import { ApiError } from '../api/client'
import { Button } from '../ui/Button'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import styles from './shell.module.css'

export function LoginPage({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const { t } = useTranslation()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      onSignedIn(await authApi.login(username, password))
    } catch (failure) {
      const known = failure instanceof ApiError && failure.code === 'LOGIN_FAILED'
      setError(known ? t('login.failed') : (failure as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className={styles.login}>
      <form className={styles.loginCard} onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <p className={styles.loginHint}>{t('login.hint')}</p>
        <Field label={t('login.username')}>
          {({ id }) => (
            <TextInput
              id={id}
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
            />
          )}
        </Field>
        <Field label={t('login.password')}>
          {({ id }) => (
            <TextInput
              id={id}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        {error && <Notice tone="danger">{error}</Notice>}
        <Button variant="primary" type="submit" disabled={busy || !username || !password}>
          {t('login.submit')}
        </Button>
      </form>
    </div>
  )
}
