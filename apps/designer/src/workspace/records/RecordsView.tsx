import { lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import { navigate } from '../../router'
import { EmptyState } from '../../ui/EmptyState'
import type { WorkspaceViewProps } from '../views'
import { RecordsPanel } from './RecordsPanel'
import { parseUrlFilter } from './table-state'

const CustomerView = lazy(() => import('../customer/CustomerView'))
const RecordFormPage = lazy(() => import('../record-form/RecordFormPage'))

/**
 * `/w/<app>/records/<form>` the form's table (default: the first form the viewer may read);
 * `/w/<app>/records/<form>/<id>` the record's 360° view; `/<form>/new` and `/<form>/<id>/edit` its form.
 */
export default function RecordsView({ appKey, rest, app }: WorkspaceViewProps) {
  const { t } = useTranslation()
  const forms = app.forms.filter((f) => f.access.actions.includes('read'))
  const form = forms.find((f) => f.key === rest[0]) ?? forms[0]
  if (!form) return <EmptyState title={t('records.noForms')} />
  const id = rest[1]
  const loading = <span>{t('records.loading')}</span>

  if (id === 'new' || rest[2] === 'edit')
    return (
      <Suspense fallback={loading}>
        <RecordFormPage
          key={`${form.key}/${id}`}
          appKey={appKey}
          app={app}
          form={form}
          id={id === 'new' ? null : id!}
        />
      </Suspense>
    )
  if (id)
    return (
      <Suspense fallback={loading}>
        <CustomerView key={`${form.key}/${id}`} appKey={appKey} app={app} form={form} id={id} />
      </Suspense>
    )
  return (
    <RecordsPanel
      key={form.key}
      appKey={appKey}
      form={form}
      forms={app.forms}
      urlFilter={form.key === rest[0] || !rest[0] ? parseUrlFilter(window.location.search) : undefined}
      onForm={(key) => navigate({ page: 'workspace', app: appKey, view: 'records', rest: [key] })}
    />
  )
}
