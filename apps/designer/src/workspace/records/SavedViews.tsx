import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recordsApi, type SavedView } from '../../api/records'
import { Button } from '../../ui/Button'
import { Dialog } from '../../ui/Dialog'
import { Field } from '../../ui/Field'
import { Checkbox, Select, TextInput } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import type { ViewSpec } from './table-state'
import styles from './records.module.css'

export interface SavedViewsProps {
  appKey: string
  form: string
  /** The viewer's role in the app (null for administrators), to share a view with. */
  role: string | null
  current: ViewSpec
  onApply: (spec: Partial<ViewSpec>) => void
}

/** Saved views on the server: the user's own and those shared with their role. */
export function SavedViews({ appKey, form, role, current, onApply }: SavedViewsProps) {
  const { t } = useTranslation()
  const [views, setViews] = useState<SavedView[]>([])
  const [chosen, setChosen] = useState('')
  const [saving, setSaving] = useState(false)
  const [name, setName] = useState('')
  const [share, setShare] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    setChosen('')
    recordsApi.views(appKey, form).then(
      (list) => !cancelled && setViews(list),
      () => !cancelled && setViews([]),
    )
    return () => {
      cancelled = true
    }
  }, [appKey, form])

  const save = async () => {
    try {
      const view = await recordsApi.saveView(appKey, form, {
        name: name.trim(),
        spec: current,
        sharedRole: share && role ? role : null,
      })
      setViews((list) => [...list, view])
      setChosen(view.id)
      setSaving(false)
      setName('')
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const remove = async () => {
    const view = views.find((v) => v.id === chosen)
    if (!view) return
    await recordsApi.deleteView(appKey, form, view.id)
    setViews((list) => list.filter((v) => v.id !== view.id))
    setChosen('')
  }
  const chosenView = views.find((v) => v.id === chosen)

  return (
    <>
      <Select
        aria-label={t('records.views')}
        value={chosen}
        onChange={(event) => {
          setChosen(event.target.value)
          const view = views.find((v) => v.id === event.target.value)
          if (view) onApply(view.spec as Partial<ViewSpec>)
        }}
      >
        <option value="">{t('records.allRecords')}</option>
        {views.map((view) => (
          <option key={view.id} value={view.id}>
            {view.name}
            {view.sharedRole ? ` · ${t('records.sharedWith', { role: view.sharedRole })}` : ''}
          </option>
        ))}
      </Select>
      <Button onClick={() => setSaving(true)}>{t('records.saveView')}</Button>
      {chosenView?.mine && (
        <Button variant="ghost" onClick={() => void remove()}>
          {t('records.deleteView')}
        </Button>
      )}
      <Dialog
        open={saving}
        title={t('records.saveView')}
        testId="save-view"
        onClose={() => setSaving(false)}
        footer={
          <>
            <Button onClick={() => setSaving(false)}>{t('records.cancel')}</Button>
            <Button variant="primary" disabled={!name.trim()} onClick={() => void save()}>
              {t('records.save')}
            </Button>
          </>
        }
      >
        <div className={styles.panel}>
          {error && <Notice tone="danger">{error}</Notice>}
          <Field label={t('records.viewName')}>
            {(control) => (
              <TextInput id={control.id} value={name} onChange={(event) => setName(event.target.value)} />
            )}
          </Field>
          {role && (
            <Checkbox
              label={t('records.shareWithRole', { role })}
              checked={share}
              onChange={(event) => setShare(event.target.checked)}
            />
          )}
        </div>
      </Dialog>
    </>
  )
}
