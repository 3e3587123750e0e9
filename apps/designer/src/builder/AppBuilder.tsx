import { Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { FormDesigner } from '../forms/FormDesigner'
import { isDirty } from '../forms/state/designer-reducer'
import { placeIssues } from '../forms/state/issues'
import { localized } from '../i18n'
import { navigate, TABS } from '../router'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { Notice } from '../ui/Notice'
import styles from './builder.module.css'
import type { AppSection } from '../forms/state/designer-reducer'
import { PublishDialog } from './PublishDialog'
import { TAB_PANELS } from './tab-panels'
import type { BuilderTabProps } from './builder-tab'
import { useAppDesigner } from './use-app-designer'

function isTextTarget(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  )
}

export function AppBuilder({ appKey, tab }: { appKey: string; tab: string }) {
  const { t, i18n } = useTranslation()
  const { designer, dispatch, summary, load, issues, setIssues, save, saving, saveError, published } =
    useAppDesigner(appKey)
  const [publishing, setPublishing] = useState(false)
  const dirty = isDirty(designer)
  const setSection = useCallback(
    (section: AppSection, value: unknown[], group?: string) =>
      dispatch({ type: 'set-section', section, value, ...(group ? { group } : {}) }),
    [dispatch],
  )
  const { past, future, present } = designer.doc

  // Ctrl/⌘+Z and Ctrl/⌘+Shift+Z (or Ctrl+Y) outside text boxes, which keep their own undo.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || isTextTarget(event.target)) return
      const key = event.key.toLowerCase()
      if (key === 'z' || key === 'y') {
        event.preventDefault()
        dispatch({ type: key === 'y' || event.shiftKey ? 'redo' : 'undo' })
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [dispatch])

  const startPublish = async () => {
    if (dirty || !issues) {
      const clean = await save()
      if (!clean) return
    } else if (issues.length > 0) return
    setPublishing(true)
  }

  if (load.state === 'loading')
    return (
      <div className={styles.centered}>
        <Notice>{t('builder.loading')}</Notice>
      </div>
    )
  if (load.state === 'error')
    return (
      <div className={styles.centered}>
        <Notice tone="danger">{t('builder.loadFailed', { message: load.message })}</Notice>
      </div>
    )

  return (
    <div className={styles.builder}>
      <div className={styles.topbar}>
        <div className={styles.titleBlock}>
          <a
            className={styles.back}
            href="/"
            onClick={(event) => {
              event.preventDefault()
              navigate({ page: 'apps' })
            }}
          >
            ← {t('builder.back')}
          </a>
          <h1 className={styles.appName}>{localized(present.app.name, i18n.language) || appKey}</h1>
          {summary?.publishedVersion == null ? (
            <Badge>{t('status.draft')}</Badge>
          ) : (
            <Badge tone="success">{t('status.published', { version: summary.publishedVersion })}</Badge>
          )}
          {dirty ? (
            <Badge tone="warning">{t('status.unsaved')}</Badge>
          ) : (
            issues && <Badge tone="accent">{t('status.saved')}</Badge>
          )}
        </div>
        <nav className={styles.tabs} role="tablist" aria-label={t('tabs.label')}>
          {TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              className={styles.tab}
              onClick={() => navigate({ page: 'builder', app: appKey, tab: name })}
            >
              {t(`tabs.${name}`)}
            </button>
          ))}
        </nav>
        <div className={styles.actions}>
          <Button
            size="small"
            variant="ghost"
            disabled={past.length === 0}
            onClick={() => dispatch({ type: 'undo' })}
          >
            ↶ {t('builder.undo')}
          </Button>
          <Button
            size="small"
            variant="ghost"
            disabled={future.length === 0}
            onClick={() => dispatch({ type: 'redo' })}
          >
            ↷ {t('builder.redo')}
          </Button>
          <Button disabled={saving} onClick={() => void save()}>
            {saving ? t('builder.saving') : t('builder.save')}
          </Button>
          <Button variant="primary" disabled={saving} onClick={() => void startPublish()}>
            {t('builder.publish')}
          </Button>
        </div>
      </div>
      {saveError && (
        <div className={styles.banner}>
          <Notice tone="danger">{t('builder.saveFailed', { message: saveError })}</Notice>
        </div>
      )}
      {issues && issues.length > 0 && (
        <div className={styles.banner}>
          <Notice tone="danger">{t('builder.issues', { count: issues.length })}</Notice>
        </div>
      )}

      <div className={styles.content} role="tabpanel">
        {tab === 'forms' ? (
          <FormDesigner state={designer} dispatch={dispatch} issues={issues ?? []} />
        ) : (
          <TabPanel
            tab={tab}
            appKey={appKey}
            app={present.app}
            publishedVersion={summary?.publishedVersion ?? null}
            savedApp={designer.saved}
            setSection={setSection}
            dispatch={dispatch}
          />
        )}
      </div>

      <PublishDialog
        appKey={appKey}
        open={publishing}
        publishedVersion={summary?.publishedVersion ?? null}
        onClose={() => setPublishing(false)}
        onPublished={published}
        onInvalid={(found) => setIssues(placeIssues(present.app, found))}
      />
    </div>
  )
}

function TabPanel({ tab, ...props }: { tab: string } & BuilderTabProps) {
  const { t } = useTranslation()
  const Panel = TAB_PANELS[tab]
  if (!Panel) return null
  return (
    <Suspense
      fallback={
        <div className={styles.centered}>
          <Notice>{t('builder.loading')}</Notice>
        </div>
      }
    >
      <Panel {...props} />
    </Suspense>
  )
}
