import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { appsApi, type AppSummary } from '../api/apps'
import { localized } from '../i18n'
import { navigate } from '../router'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { EmptyState } from '../ui/EmptyState'
import { Notice } from '../ui/Notice'
import styles from './apps.module.css'
import { CreateAppDialog } from './CreateAppDialog'
import { InstallTemplateDialog } from './InstallTemplateDialog'

type Load = { state: 'loading' } | { state: 'ok'; apps: AppSummary[] } | { state: 'error'; message: string }

/** Administrators open an app's builder; members open its workspace, the only part of it they may use. */
export function AppList({ isAdmin }: { isAdmin: boolean }) {
  const { t, i18n } = useTranslation()
  const [load, setLoad] = useState<Load>({ state: 'loading' })
  const [creating, setCreating] = useState(false)
  const [installing, setInstalling] = useState(false)

  const refresh = useCallback(() => {
    appsApi
      .list()
      .then((apps) => setLoad({ state: 'ok', apps }))
      .catch((error: Error) => setLoad({ state: 'error', message: error.message }))
  }, [])
  useEffect(refresh, [refresh])

  const apps = load.state === 'ok' ? load.apps : []
  // The two ways to a new app, in the heading and in the empty list alike.
  const newApp = (
    <>
      <Button onClick={() => setInstalling(true)}>{t('apps.fromTemplate')}</Button>
      <Button variant="primary" onClick={() => setCreating(true)}>
        {t('apps.create')}
      </Button>
    </>
  )
  return (
    <div className={styles.page}>
      <div className={styles.heading}>
        <div>
          <h1>{t('apps.heading')}</h1>
          <p className={styles.subtitle}>{t('apps.subtitle')}</p>
        </div>
        {isAdmin && <div className={styles.actions}>{newApp}</div>}
      </div>

      {load.state === 'loading' && <Notice>{t('apps.loading')}</Notice>}
      {load.state === 'error' && (
        <Notice tone="danger">{t('apps.loadFailed', { message: load.message })}</Notice>
      )}
      {load.state === 'ok' && apps.length === 0 && (
        <div className={styles.panel}>
          <EmptyState title={t('apps.empty')}>
            <p>{t('apps.emptyHint')}</p>
            <div className={styles.actions}>{newApp}</div>
          </EmptyState>
        </div>
      )}
      {apps.length > 0 && (
        <ul className={styles.grid} aria-label={t('apps.heading')}>
          {apps.map((app) => (
            <li key={app.key} className={styles.item}>
              <a
                className={styles.card}
                href={isAdmin ? `/apps/${app.key}/forms` : `/w/${app.key}`}
                onClick={(event) => {
                  event.preventDefault()
                  if (isAdmin) navigate({ page: 'builder', app: app.key, tab: 'forms' })
                  else navigate({ page: 'workspace', app: app.key, view: 'records', rest: [] })
                }}
              >
                <span className={styles.cardTitle}>{localized(app.name, i18n.language) || app.key}</span>
                <span className={styles.meta}>
                  <code>{app.key}</code>
                  {app.publishedVersion === null ? (
                    <Badge>{t('status.draft')}</Badge>
                  ) : (
                    <Badge tone="success">{t('status.published', { version: app.publishedVersion })}</Badge>
                  )}
                </span>
                <span className={styles.meta}>
                  {t('apps.updated', { date: new Date(app.updatedAt).toLocaleString(i18n.language) })}
                </span>
              </a>
              {isAdmin && app.publishedVersion !== null && (
                <a
                  className={styles.open}
                  href={`/w/${app.key}`}
                  data-open-app={app.key}
                  onClick={(event) => {
                    event.preventDefault()
                    navigate({ page: 'workspace', app: app.key, view: 'records', rest: [] })
                  }}
                >
                  {t('apps.open')} →
                </a>
              )}
            </li>
          ))}
        </ul>
      )}

      <CreateAppDialog
        open={creating}
        taken={apps.map((app) => app.key)}
        onClose={() => setCreating(false)}
        onCreated={(key) => navigate({ page: 'builder', app: key, tab: 'forms' })}
      />
      <InstallTemplateDialog
        open={installing}
        onClose={() => setInstalling(false)}
        // A ready-made app is for using: straight to its workspace (the builder is one click away).
        onInstalled={(result) => navigate({ page: 'workspace', app: result.app, view: 'records', rest: [] })}
      />
    </div>
  )
}
