import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

type Health = { state: 'checking' } | { state: 'ok'; database: string } | { state: 'error' }

/** Landing shell until the designer issue builds the real app shell. */
export function App() {
  const { t, i18n } = useTranslation()
  const [health, setHealth] = useState<Health>({ state: 'checking' })

  useEffect(() => {
    fetch('/api/health')
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))))
      .then((body: { database: string }) => setHealth({ state: 'ok', database: body.database }))
      .catch(() => setHealth({ state: 'error' }))
  }, [])

  const switchLanguage = () => {
    const next = i18n.language === 'zh-CN' ? 'en' : 'zh-CN'
    localStorage.setItem('trellis.lang', next)
    void i18n.changeLanguage(next)
  }

  return (
    <main
      style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '4rem auto', padding: '0 1rem' }}
    >
      <h1>{t('app.title')}</h1>
      <p>{t('app.tagline')}</p>
      <p role="status">
        {health.state === 'ok' ? t('health.ok', { database: health.database }) : t(`health.${health.state}`)}
      </p>
      <nav style={{ display: 'flex', gap: '1rem' }}>
        <a href="/docs">{t('nav.apiDocs')}</a>
        <button type="button" onClick={switchLanguage}>
          {t('lang.switch')}
        </button>
      </nav>
    </main>
  )
}
