import { Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { workspaceApi, type PublishedView } from '../api/workspace'
import { localized } from '../i18n'
import { navigate } from '../router'
import { Notice } from '../ui/Notice'
import { NotificationBell } from './notifications/NotificationBell'
import { VIEW_PANELS, WORKSPACE_VIEWS, type WorkspaceView } from './views'
import styles from './workspace.module.css'

type Load =
  { state: 'loading' } | { state: 'ready'; view: PublishedView } | { state: 'error'; message: string }

/**
 * The published app as its users work in it: a menu of views (a side bar on a desk, a bottom bar on a
 * phone) and the open view, loaded on demand.
 */
export default function Workspace({ appKey, view, rest }: { appKey: string; view: string; rest: string[] }) {
  const { t, i18n } = useTranslation()
  const [load, setLoad] = useState<Load>({ state: 'loading' })

  useEffect(() => {
    let cancelled = false
    workspaceApi.published(appKey).then(
      (published) => !cancelled && setLoad({ state: 'ready', view: published }),
      (error: Error) => !cancelled && setLoad({ state: 'error', message: error.message }),
    )
    return () => {
      cancelled = true
    }
  }, [appKey])

  if (load.state === 'loading') return <div className={styles.centered}>{t('workspace.loading')}</div>
  if (load.state === 'error')
    return (
      <div className={styles.centered}>
        <Notice tone="danger">{t('workspace.loadFailed', { message: load.message })}</Notice>
      </div>
    )

  const current: WorkspaceView = (WORKSPACE_VIEWS as readonly string[]).includes(view)
    ? (view as WorkspaceView)
    : 'records'
  const Panel = VIEW_PANELS[current]
  const app = load.view.definition
  return (
    <div className={styles.workspace}>
      <nav className={styles.menu} aria-label={t('workspace.menu')}>
        <span className={styles.appName}>{localized(app.name, i18n.language) || appKey}</span>
        {WORKSPACE_VIEWS.map((name) => (
          <a
            key={name}
            href={`/w/${appKey}/${name}`}
            className={styles.menuItem}
            aria-current={name === current ? 'page' : undefined}
            data-view={name}
            onClick={(event) => {
              event.preventDefault()
              navigate({ page: 'workspace', app: appKey, view: name, rest: [] })
            }}
          >
            {t(`workspace.views.${name}`)}
          </a>
        ))}
        <NotificationBell appKey={appKey} />
      </nav>
      <section className={styles.view}>
        <Suspense fallback={<div className={styles.centered}>{t('workspace.loading')}</div>}>
          <Panel appKey={appKey} rest={current === view ? rest : []} app={app} />
        </Suspense>
      </section>
    </div>
  )
}
