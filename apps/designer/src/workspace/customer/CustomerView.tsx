import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recordsApi, type Timeline } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { navigate } from '../../router'
import { Button } from '../../ui/Button'
import { Dialog } from '../../ui/Dialog'
import { Notice } from '../../ui/Notice'
import { RecordForm } from '../record-form/RecordForm'
import type { WorkspaceViewProps } from '../views'
import { CustomerProfile } from './CustomerProfile'
import { appendRelated, followUpForm, mergeTimeline } from './timeline'
import { TimelineList } from './TimelineList'
import styles from './customer.module.css'

export interface CustomerViewProps {
  appKey: string
  app: WorkspaceViewProps['app']
  form: WorkspaceForm
  id: string
}

type Load =
  { state: 'loading' } | { state: 'ready'; timeline: Timeline } | { state: 'error'; message: string }

/**
 * The 360° view of one record (built for a CRM customer): the profile beside one timeline of everything
 * related — orders, tickets, tasks, coupons, points, messages sent, flows, history — from one request.
 */
export default function CustomerView({ appKey, app, form, id }: CustomerViewProps) {
  const { t, i18n } = useTranslation()
  const [load, setLoad] = useState<Load>({ state: 'loading' })
  const [adding, setAdding] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)

  const fetchTimeline = useCallback(() => {
    let cancelled = false
    recordsApi.timeline(appKey, form.key, id).then(
      (timeline) => !cancelled && setLoad({ state: 'ready', timeline }),
      (error: Error) => !cancelled && setLoad({ state: 'error', message: error.message }),
    )
    return () => {
      cancelled = true
    }
  }, [appKey, form.key, id])
  useEffect(fetchTimeline, [fetchTimeline])

  const timeline = load.state === 'ready' ? load.timeline : null
  const items = useMemo(() => (timeline ? mergeTimeline(timeline) : []), [timeline])
  const followUp = timeline ? followUpForm(timeline.related, app.forms) : undefined
  const back = () => navigate({ page: 'workspace', app: appKey, view: 'records', rest: [form.key] })

  const more = async (child: string) => {
    if (!timeline) return
    const section = timeline.related.find((s) => s.form === child)
    if (!section?.nextCursor) return
    const page = await recordsApi.related(
      appKey,
      form.key,
      id,
      child,
      section.via,
      section.sort,
      section.nextCursor,
    )
    setLoad({
      state: 'ready',
      timeline: { ...timeline, related: appendRelated(timeline.related, child, page) },
    })
  }

  return (
    <div className={styles.view} data-testid="customer-view">
      <div className={styles.top}>
        <Button variant="ghost" onClick={back}>
          ← {localized(form.label, i18n.language)}
        </Button>
        <span className={styles.spacer} />
        {followUp && (
          <Button variant="primary" onClick={() => setAdding(true)}>
            {t('customer.addFollowUp')}
          </Button>
        )}
        {form.access.actions.includes('update') && (
          <Button
            onClick={() =>
              navigate({ page: 'workspace', app: appKey, view: 'records', rest: [form.key, id, 'edit'] })
            }
          >
            {t('customer.edit')}
          </Button>
        )}
      </div>
      {notice && <Notice tone="success">{notice}</Notice>}
      {load.state === 'loading' && <p className={styles.muted}>{t('customer.loading')}</p>}
      {load.state === 'error' && (
        <Notice tone="danger">{t('customer.loadFailed', { message: load.message })}</Notice>
      )}
      {timeline && (
        <div className={styles.columns}>
          <CustomerProfile form={form} forms={app.forms} record={timeline.record} />
          <TimelineList
            appKey={appKey}
            forms={app.forms}
            related={timeline.related}
            items={items}
            counts={{
              messages: timeline.messages.length,
              flows: timeline.flows.length,
              history: timeline.audit.length + timeline.consents.length,
            }}
            onMore={(child) => void more(child)}
          />
        </div>
      )}
      {followUp && (
        <Dialog
          open={adding}
          title={t('customer.addFollowUpTitle', { form: localized(followUp.form.label, i18n.language) })}
          testId="follow-up-dialog"
          onClose={() => setAdding(false)}
        >
          {adding && (
            <RecordForm
              appKey={appKey}
              forms={app.forms}
              form={followUp.form}
              record={null}
              preset={{ [followUp.via]: id }}
              draftId={`new-for-${form.key}-${id}`}
              onCancel={() => setAdding(false)}
              onSaved={() => {
                setAdding(false)
                setNotice(t('customer.followUpAdded'))
                fetchTimeline()
              }}
            />
          )}
        </Dialog>
      )}
    </div>
  )
}
