import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppDefinition } from '@trellis/form-engine'
import type { Rule } from '@trellis/rule-engine'
import { rulesApi, type RuleRun } from '../api/rules'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { Notice } from '../ui/Notice'
import { ruleName } from './rule-text'
import styles from './rules.module.css'

const TONES: Record<string, 'success' | 'warning' | 'danger' | 'neutral'> = {
  succeeded: 'success',
  condition_false: 'neutral',
  skipped: 'warning',
  failed: 'danger',
  dead: 'danger',
  loop_stopped: 'danger',
  fanned_out: 'neutral',
}

function errorText(error: unknown): string {
  if (!error) return ''
  if (typeof error === 'string') return error
  const { code, message } = error as { code?: unknown; message?: unknown }
  return [code, message].filter(Boolean).map(String).join(': ') || JSON.stringify(error)
}

function effectsText(effects: unknown, typeLabel: (type: string) => string): string {
  if (!Array.isArray(effects)) {
    // Skips carry why (`{ reason: 'RECORD_GONE' }`); other shapes are shown as they are.
    const reason = (effects as { reason?: unknown } | null)?.reason
    return typeof reason === 'string' ? reason : effects ? JSON.stringify(effects) : ''
  }
  return effects
    .filter((effect): effect is Record<string, unknown> => Boolean(effect) && typeof effect === 'object')
    .map((e) => {
      const detail = e.skipped ? String(e.skipped) : e.id ? `#${String(e.id)}` : ''
      return [typeLabel(String(e.type)), detail].filter(Boolean).join(' ')
    })
    .join(' · ')
}

/** The run log (newest first): outcome, record, effects or error; for one rule or all of them. */
export function RunLog({
  appKey,
  app,
  rule,
  publishedVersion,
}: {
  appKey: string
  app: AppDefinition
  rule?: string
  publishedVersion: number | null
}) {
  const { t, i18n } = useTranslation()
  const [runs, setRuns] = useState<RuleRun[] | undefined>()
  const [error, setError] = useState<string | undefined>()

  const load = useCallback(async () => {
    if (publishedVersion === null) return
    setError(undefined)
    try {
      const result = await rulesApi.runs(appKey, { ...(rule ? { rule } : {}), limit: 50 })
      setRuns(result.runs)
    } catch (failure) {
      setError((failure as Error).message)
    }
  }, [appKey, rule, publishedVersion])

  useEffect(() => {
    void load()
  }, [load])

  const names = new Map(((app.rules ?? []) as Rule[]).map((r) => [r.key, ruleName(r, i18n.language)]))
  if (publishedVersion === null) return <p className={styles.muted}>{t('rules.previewNeedsPublish')}</p>
  return (
    <div className={styles.runLog} data-testid="run-log">
      <div className={styles.inline}>
        {!rule && <h3 className={styles.sectionTitle}>{t('rules.runLogAll')}</h3>}
        <span className={styles.spacer} />
        <Button size="small" onClick={() => void load()}>
          {t('rules.refresh')}
        </Button>
      </div>
      {error && <Notice tone="danger">{error}</Notice>}
      {runs && runs.length === 0 && <p className={styles.muted}>{t('rules.noRuns')}</p>}
      {runs && runs.length > 0 && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>{t('rules.run.at')}</th>
              {!rule && <th>{t('rules.run.rule')}</th>}
              <th>{t('rules.run.outcome')}</th>
              <th>{t('rules.run.record')}</th>
              <th>{t('rules.run.details')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <td className={styles.nowrap}>{new Date(run.at).toLocaleString(i18n.language)}</td>
                {!rule && <td>{names.get(run.rule) ?? run.rule}</td>}
                <td>
                  <Badge tone={TONES[run.outcome] ?? 'neutral'}>
                    {t(`rules.run.outcomes.${run.outcome}`, { defaultValue: run.outcome })}
                  </Badge>
                  {run.attempt > 1 && (
                    <span className={styles.hint}> {t('rules.run.attempt', { n: run.attempt })}</span>
                  )}
                </td>
                <td>{run.recordId ? `#${run.recordId}` : '—'}</td>
                <td className={run.error ? styles.errorText : styles.effectDetail}>
                  {run.error
                    ? errorText(run.error)
                    : effectsText(run.effects, (type) =>
                        t(`rules.actions.types.${type}`, { defaultValue: type }),
                      )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
