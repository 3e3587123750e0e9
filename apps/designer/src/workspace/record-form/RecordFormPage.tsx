import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recordsApi, type RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { navigate } from '../../router'
import { Button } from '../../ui/Button'
import { Notice } from '../../ui/Notice'
import { recordTitle } from '../records/format-value'
import type { WorkspaceViewProps } from '../views'
import { RecordForm } from './RecordForm'
import styles from './record-form.module.css'

export interface RecordFormPageProps {
  appKey: string
  app: WorkspaceViewProps['app']
  form: WorkspaceForm
  /** null: a new record. */
  id: string | null
}

/** `/w/<app>/records/<form>/new` and `/<id>/edit`: the form on its own page; saving opens the record. */
export default function RecordFormPage({ appKey, app, form, id }: RecordFormPageProps) {
  const { t, i18n } = useTranslation()
  const [record, setRecord] = useState<RecordJson | null | undefined>(id ? undefined : null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (!id) return
    let cancelled = false
    recordsApi.get(appKey, form.key, id).then(
      (found) => !cancelled && setRecord(found),
      (e: Error) => !cancelled && setError(e.message),
    )
    return () => {
      cancelled = true
    }
  }, [appKey, form.key, id])

  const back = () =>
    navigate({ page: 'workspace', app: appKey, view: 'records', rest: id ? [form.key, id] : [form.key] })
  const title = id
    ? t('recordForm.editTitle', { title: record ? recordTitle(form, record) : `#${id}` })
    : t('recordForm.newTitle', { form: localized(form.label, i18n.language) })

  return (
    <div className={styles.page}>
      <div className={styles.pageHead}>
        <Button variant="ghost" onClick={back}>
          ← {t('recordForm.back')}
        </Button>
        <h1>{title}</h1>
      </div>
      {error && <Notice tone="danger">{error}</Notice>}
      {record !== undefined && (
        <div className={styles.card}>
          <RecordForm
            appKey={appKey}
            forms={app.forms}
            form={form}
            record={record}
            onCancel={back}
            onSaved={(saved) =>
              navigate({ page: 'workspace', app: appKey, view: 'records', rest: [form.key, saved.id] })
            }
          />
        </div>
      )}
    </div>
  )
}
