import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { MigrationStep } from '@trellis/form-engine'
import { appsApi } from '../api/apps'
import { ApiError } from '../api/client'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { Checkbox } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import { lossyStepIds, stepTarget } from './plan-steps'
import styles from './builder.module.css'

export interface PublishDialogProps {
  appKey: string
  open: boolean
  publishedVersion: number | null
  onClose: () => void
  onPublished: (version: number) => void
  /** The server refused the draft (APP_INVALID): its issues, to show on the canvas. */
  onInvalid: (issues: { code: string; message: string; path?: string }[]) => void
}

type Plan =
  { state: 'loading' } | { state: 'ok'; steps: MigrationStep[] } | { state: 'error'; message: string }

/**
 * Shows the migration plan before anything runs and sends back exactly the lossy steps the user ticked:
 * the server refuses a publish whose confirmations differ from its own plan, so a plan that changed in
 * between (another tab saved) is never applied blindly.
 */
export function PublishDialog({
  appKey,
  open,
  publishedVersion,
  onClose,
  onPublished,
  onInvalid,
}: PublishDialogProps) {
  const { t } = useTranslation()
  const [plan, setPlan] = useState<Plan>({ state: 'loading' })
  const [confirmed, setConfirmed] = useState<ReadonlySet<string>>(new Set())
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ version: number } | { error: string } | undefined>()

  useEffect(() => {
    if (!open) return
    setPlan({ state: 'loading' })
    setConfirmed(new Set())
    setResult(undefined)
    let cancelled = false
    appsApi.plan(appKey).then(
      ({ steps }) => !cancelled && setPlan({ state: 'ok', steps }),
      (error: Error) => !cancelled && setPlan({ state: 'error', message: error.message }),
    )
    return () => {
      cancelled = true
    }
  }, [open, appKey])

  const steps = plan.state === 'ok' ? plan.steps : []
  const lossy = lossyStepIds(steps)
  // No table changes: what changed may be flows, rules, roles or reports, which publish all the same.
  const noTableChanges = plan.state === 'ok' && steps.length === 0 && publishedVersion !== null
  const published = result && 'version' in result
  const ready = plan.state === 'ok' && lossy.every((id) => confirmed.has(id)) && !published

  const publish = async () => {
    setBusy(true)
    try {
      const response = await appsApi.publish(appKey, lossy)
      setResult({ version: response.version })
      onPublished(response.version)
    } catch (error) {
      if (error instanceof ApiError && error.code === 'APP_INVALID' && Array.isArray(error.details)) {
        onInvalid(error.details as { code: string; message: string; path?: string }[])
      }
      setResult({ error: (error as Error).message })
    } finally {
      setBusy(false)
    }
  }

  const toggle = (id: string, on: boolean) =>
    setConfirmed((current) => {
      const next = new Set(current)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })

  return (
    <Dialog
      open={open}
      title={t('publish.title')}
      onClose={onClose}
      testId="publish"
      footer={
        <>
          <Button onClick={onClose}>{published ? t('common.close') : t('common.cancel')}</Button>
          {!published && (
            <Button variant="primary" disabled={!ready || busy} onClick={publish}>
              {busy ? t('publish.publishing') : t('publish.confirm')}
            </Button>
          )}
        </>
      }
    >
      {plan.state === 'loading' && <Notice>{t('publish.loading')}</Notice>}
      {plan.state === 'error' && (
        <Notice tone="danger">{t('publish.planFailed', { message: plan.message })}</Notice>
      )}
      {noTableChanges && (
        <Notice>{t('publish.noTableChanges', { version: (publishedVersion ?? 0) + 1 })}</Notice>
      )}
      {plan.state === 'ok' && !noTableChanges && (
        <>
          <p>{t('publish.intro', { version: (publishedVersion ?? 0) + 1 })}</p>
          {lossy.length > 0 && (
            <Notice tone="warning">{t('publish.lossyIntro', { count: lossy.length })}</Notice>
          )}
          <ol className={styles.steps} aria-label={t('publish.steps')}>
            {steps.map((step) => (
              <li key={step.id} className={step.lossy ? styles.stepLossy : styles.step} data-step={step.id}>
                <div className={styles.stepHead}>
                  <span className={styles.stepKind}>{t(`step.${step.kind}`)}</span>
                  <code>{stepTarget(step)}</code>
                  {step.lossy && <Badge tone="danger">{t('publish.lossy')}</Badge>}
                </div>
                {step.lossy && (
                  <>
                    {step.reason && <p className={styles.stepReason}>{step.reason}</p>}
                    <Checkbox
                      label={t('publish.confirmStep')}
                      checked={confirmed.has(step.id)}
                      disabled={Boolean(published)}
                      onChange={(event) => toggle(step.id, event.target.checked)}
                    />
                  </>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
      {result && 'version' in result && (
        <Notice tone="success">{t('publish.done', { version: result.version })}</Notice>
      )}
      {result && 'error' in result && (
        <Notice tone="danger">{t('publish.failed', { message: result.error })}</Notice>
      )}
    </Dialog>
  )
}
