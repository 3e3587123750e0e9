import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppDefinition, FormSchema } from '@trellis/form-engine'
import { planActions, type Rule } from '@trellis/rule-engine'
import { rulesApi, type PublishedRule } from '../api/rules'
import { localized } from '../i18n'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { Notice } from '../ui/Notice'
import { TextInput } from '../ui/inputs'
import { EffectList } from './EffectList'
import { conditionVars, recordTitle, showCell, type RecordRow } from './preview-data'
import styles from './rules.module.css'

interface PreviewProps {
  appKey: string
  app: AppDefinition
  rule: Rule
  form: FormSchema
  published: PublishedRule | undefined
  changed: boolean
  publishedVersion: number | null
}

type Planned = Array<{ index: number; type: string; effect: Record<string, unknown> }>

interface TestResult {
  record: RecordRow
  matches: boolean
  actions: Planned
  /** The server's dry run of the published rule, or the draft planned here. */
  source: 'server' | 'draft'
}

const byId = (id: string) => ({ '==': [{ var: 'id' }, id] })

/**
 * "Which records match now" (the records list API with the condition as its filter) and "test on a
 * record": does the condition hold for it, and what would each action do — the server's dry run for a
 * published rule, the same pure plan computed here for a rule not published yet. Nothing is written.
 */
export function RulePreview({ appKey, app, rule, form, published, changed, publishedVersion }: PreviewProps) {
  const { t, i18n } = useTranslation()
  const [matches, setMatches] = useState<{ count: number; records: RecordRow[] } | undefined>()
  const [candidates, setCandidates] = useState<RecordRow[] | undefined>()
  const [search, setSearch] = useState('')
  const [test, setTest] = useState<TestResult | undefined>()
  const [busy, setBusy] = useState(false)
  const [queued, setQueued] = useState<string | undefined>()
  const [error, setError] = useState<string | undefined>()
  const live = publishedVersion !== null

  const columns = [...new Set(conditionVars(rule.condition))]
    .filter((key) => key !== form.titleField && form.fields.some((f) => f.key === key))
    .slice(0, 4)
  const fieldName = (key: string) => {
    const field = form.fields.find((f) => f.key === key)
    return field ? localized(field.label, i18n.language) || key : key
  }

  const guard = async (work: () => Promise<void>) => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const matchNow = () =>
    guard(async () => {
      const page = await rulesApi.records(appKey, form.key, {
        ...(rule.condition === undefined ? {} : { filter: rule.condition }),
        limit: 5,
        count: true,
      })
      setMatches({ count: page.count ?? page.records.length, records: page.records })
    })

  const find = (text: string) =>
    guard(async () => {
      const title = form.titleField
      const filter = text && title ? { icontains: [{ var: title }, text] } : text ? byId(text) : undefined
      const page = await rulesApi.records(appKey, form.key, { ...(filter ? { filter } : {}), limit: 8 })
      setCandidates(page.records)
    })

  const testOn = (record: RecordRow) =>
    guard(async () => {
      const filter =
        rule.condition === undefined ? byId(record.id) : { and: [rule.condition, byId(record.id)] }
      const page = await rulesApi.records(appKey, form.key, { filter, limit: 1, count: true })
      let actions: Planned
      let source: TestResult['source']
      if (published) {
        const dry = await rulesApi.dryRun(appKey, rule.key, { recordId: record.id })
        actions = dry.records[0]?.actions ?? []
        source = 'server'
      } else {
        const planned = planActions(rule, record, { timeZone: app.timeZone ?? 'Asia/Shanghai' })
        actions = planned.map((p) => ({ ...p, effect: p.effect as unknown as Record<string, unknown> }))
        source = 'draft'
      }
      setTest({ record, matches: (page.count ?? page.records.length) > 0, actions, source })
      setQueued(undefined)
    })

  // A real run of the published rule on this record, through the job queue (the run log shows it).
  const runOn = (record: RecordRow) =>
    guard(async () => {
      await rulesApi.run(appKey, rule.key, { recordId: record.id })
      setQueued(record.id)
    })

  useEffect(() => {
    if (live) void find('')
    // Only when the form changes: typing in the search box searches on demand.
  }, [form.key, live])

  if (!live) return <p className={styles.muted}>{t('rules.previewNeedsPublish')}</p>

  return (
    <div className={styles.preview}>
      {error && <Notice tone="danger">{t('rules.previewFailed', { message: error })}</Notice>}
      <div className={styles.previewBlock}>
        <div className={styles.inline}>
          <Button onClick={() => void matchNow()} disabled={busy}>
            {t('rules.matchNow')}
          </Button>
          {matches && (
            <span data-testid="match-count" className={styles.count}>
              {t('rules.matchCount', { count: matches.count })}
            </span>
          )}
        </div>
        {matches && matches.records.length > 0 && (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>{fieldName(form.titleField ?? 'id')}</th>
                {columns.map((key) => (
                  <th key={key}>{fieldName(key)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matches.records.map((record) => (
                <tr key={record.id}>
                  <td>{recordTitle(record, form)}</td>
                  {columns.map((key) => (
                    <td key={key}>
                      {showCell(
                        record[key],
                        form.fields.find((f) => f.key === key),
                        i18n.language,
                        app.timeZone ?? 'Asia/Shanghai',
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <div className={styles.previewBlock}>
        <h4 className={styles.subTitle}>{t('rules.testOnRecord')}</h4>
        <form
          className={styles.inline}
          onSubmit={(event) => {
            event.preventDefault()
            void find(search.trim())
          }}
        >
          <TextInput
            aria-label={t('rules.searchRecord')}
            placeholder={t('rules.searchRecord')}
            className={styles.search}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <Button type="submit" disabled={busy}>
            {t('rules.search')}
          </Button>
        </form>
        {candidates && candidates.length === 0 && <p className={styles.muted}>{t('rules.noRecords')}</p>}
        {candidates && candidates.length > 0 && (
          <div className={styles.candidates} role="list" aria-label={t('rules.pickRecord')}>
            {candidates.map((record) => (
              <button
                key={record.id}
                type="button"
                role="listitem"
                className={styles.chip}
                aria-pressed={test?.record.id === record.id}
                onClick={() => void testOn(record)}
              >
                {recordTitle(record, form)}
              </button>
            ))}
          </div>
        )}
        {test && (
          <div className={styles.testResult} data-testid="test-result">
            <div className={styles.inline}>
              <strong>{recordTitle(test.record, form)}</strong>
              {test.matches ? (
                <Badge tone="success">{t('rules.conditionHolds')}</Badge>
              ) : (
                <Badge tone="warning">{t('rules.conditionFails')}</Badge>
              )}
            </div>
            <p className={styles.hint}>
              {test.source === 'server'
                ? changed
                  ? t('rules.dryRunPublishedChanged')
                  : t('rules.dryRunPublished')
                : t('rules.dryRunDraft')}
            </p>
            <EffectList app={app} actions={test.actions} />
            {published && (
              <div className={styles.inline}>
                <Button size="small" disabled={busy} onClick={() => void runOn(test.record)}>
                  {t('rules.runNow')}
                </Button>
                {queued === test.record.id && <span className={styles.hint}>{t('rules.runQueued')}</span>}
              </div>
            )}
          </div>
        )}
      </div>
    </div>
  )
}
