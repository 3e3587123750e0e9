import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toConditionScope } from '@trellis/form-engine'
import { validateRule, type Rule, type RuleIssue } from '@trellis/rule-engine'
import { rulesApi, type PublishedRule, type RulesCatalog } from '../api/rules'
import type { BuilderTabProps } from '../builder/builder-tab'
import { bothLanguages } from '../i18n'
import { Button } from '../ui/Button'
import { EmptyState } from '../ui/EmptyState'
import { Notice } from '../ui/Notice'
import { Segmented } from '../ui/Segmented'
import { RuleEditor } from './RuleEditor'
import { RuleList } from './RuleList'
import { RunLog } from './RunLog'
import { editGroup, editRules, type RulesEdit } from './rules-edit'
import panes from '../ui/panes.module.css'
import styles from './rules.module.css'

/**
 * The Rules tab: the app's automation rules as the draft holds them (`app.rules`), edited through the
 * designer's undoable setSection, with what the server knows about the published ones — the runtime
 * switch, previews against live records and the run log.
 */
export default function RulesTab({ appKey, app, publishedVersion, setSection }: BuilderTabProps) {
  const { t } = useTranslation()
  const rules = useMemo(
    () => ((app.rules ?? []) as Rule[]).filter((rule) => rule && typeof rule === 'object'),
    [app.rules],
  )
  const [selected, setSelected] = useState<string | undefined>(() => rules[0]?.key)
  const [view, setView] = useState<'edit' | 'log'>('edit')
  const [catalog, setCatalog] = useState<RulesCatalog | undefined>()
  const [published, setPublished] = useState<Map<string, PublishedRule> | undefined>()
  const [loadError, setLoadError] = useState<string | undefined>()

  useEffect(() => {
    let cancelled = false
    rulesApi.catalog().then(
      (result) => !cancelled && setCatalog(result),
      (error: Error) => !cancelled && setLoadError(error.message),
    )
    return () => {
      cancelled = true
    }
  }, [])

  const loadPublished = useCallback(async () => {
    if (publishedVersion === null) {
      setPublished(new Map())
      return
    }
    try {
      const result = await rulesApi.published(appKey)
      setPublished(new Map(result.rules.map((rule) => [rule.key, rule])))
    } catch (error) {
      setLoadError((error as Error).message)
    }
  }, [appKey, publishedVersion])

  useEffect(() => {
    void loadPublished()
  }, [loadPublished])

  // Problems the server would report, checked here as the draft changes (the same validateRule).
  const issues = useMemo(() => {
    const scopeOf = (formKey: string) => {
      const form = app.forms.find((f) => f.key === formKey && !f.archived)
      return form ? toConditionScope(form, { app }) : undefined
    }
    const out = new Map<string, RuleIssue[]>()
    for (const rule of rules) {
      const found = validateRule(rule, app, { scopeOf })
      if (rules.filter((other) => other.key === rule.key).length > 1)
        found.push({ code: 'DUPLICATE_KEY', message: `Two rules are called ${rule.key}`, path: 'key' })
      out.set(rule.key, found)
    }
    return out
  }, [rules, app])

  const apply = (edit: RulesEdit) => {
    const next = editRules(rules, edit)
    setSection('rules', next, editGroup(edit))
    if (edit.type === 'add') setSelected(next[next.length - 1]?.key)
    if (edit.type === 'set-key' && next.some((rule) => rule.key === edit.next)) setSelected(edit.next)
    if (edit.type === 'remove') setSelected(next[0]?.key)
  }

  const toggle = async (key: string, enabled: boolean) => {
    try {
      await rulesApi.setEnabled(appKey, key, enabled)
      setPublished((current) => {
        const next = new Map(current)
        const entry = next.get(key)
        if (entry) next.set(key, { ...entry, enabled })
        return next
      })
    } catch (error) {
      setLoadError((error as Error).message)
    }
  }

  const current = rules.find((rule) => rule.key === selected) ?? rules[0]

  return (
    <div className={styles.tab}>
      <aside className={panes.sidePane}>
        <div className={panes.paneHead}>
          <h2 className={panes.paneHeading}>{t('rules.title')}</h2>
          <Button
            size="small"
            variant="primary"
            onClick={() => apply({ type: 'add', app, name: bothLanguages('rules.newName') })}
          >
            + {t('rules.add')}
          </Button>
        </div>
        <Segmented
          label={t('rules.view')}
          value={view}
          options={[
            { value: 'edit', label: t('rules.viewEdit') },
            { value: 'log', label: t('rules.viewLog') },
          ]}
          onChange={setView}
        />
        <RuleList
          rules={rules}
          app={app}
          selected={current?.key}
          published={published}
          issues={issues}
          onSelect={(key) => {
            setSelected(key)
            setView('edit')
          }}
          onToggle={(key, enabled) => void toggle(key, enabled)}
        />
      </aside>
      <section className={panes.mainColumn}>
        {loadError && <Notice tone="danger">{t('rules.loadFailed', { message: loadError })}</Notice>}
        {publishedVersion === null && <Notice tone="warning">{t('rules.notPublished')}</Notice>}
        {view === 'log' ? (
          <RunLog appKey={appKey} app={app} publishedVersion={publishedVersion} />
        ) : current ? (
          <RuleEditor
            key={rules.indexOf(current)}
            appKey={appKey}
            app={app}
            rule={current}
            catalog={catalog}
            issues={issues.get(current.key) ?? []}
            published={published?.get(current.key)}
            publishedVersion={publishedVersion}
            apply={apply}
          />
        ) : (
          <EmptyState title={t('rules.emptyTitle')}>{t('rules.emptyBody')}</EmptyState>
        )}
      </section>
    </div>
  )
}
