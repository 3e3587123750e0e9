import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { appsApi } from '../api/apps'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import { APP_KEY, suggestAppKey } from './app-key'
import styles from './apps.module.css'

export interface CreateAppDialogProps {
  open: boolean
  taken: readonly string[]
  onClose: () => void
  onCreated: (key: string) => void
}

export function CreateAppDialog({ open, taken, onClose, onCreated }: CreateAppDialogProps) {
  const { t } = useTranslation()
  const [nameZh, setNameZh] = useState('')
  const [nameEn, setNameEn] = useState('')
  const [typedKey, setTypedKey] = useState<string | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  // The key follows the English name until the user types one.
  const key = typedKey ?? suggestAppKey(nameEn, taken)
  const keyInvalid = !APP_KEY.test(key)
  const nameMissing = nameZh.trim() === '' && nameEn.trim() === ''

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (keyInvalid || nameMissing) return
    setBusy(true)
    setError(undefined)
    try {
      const name: Record<string, string> = {}
      if (nameZh.trim()) name['zh-CN'] = nameZh.trim()
      if (nameEn.trim()) name.en = nameEn.trim()
      await appsApi.create({ key, name, forms: [] })
      onCreated(key)
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog
      open={open}
      title={t('createApp.title')}
      onClose={onClose}
      testId="create-app"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            type="submit"
            form="create-app-form"
            disabled={busy || keyInvalid || nameMissing}
          >
            {t('createApp.submit')}
          </Button>
        </>
      }
    >
      <form id="create-app-form" onSubmit={submit} className={styles.row}>
        <Field label={t('createApp.nameZh')}>
          {({ id }) => (
            <TextInput id={id} value={nameZh} onChange={(e) => setNameZh(e.target.value)} autoFocus />
          )}
        </Field>
        <Field label={t('createApp.nameEn')}>
          {({ id }) => <TextInput id={id} value={nameEn} onChange={(e) => setNameEn(e.target.value)} />}
        </Field>
      </form>
      <Field
        label={t('createApp.key')}
        hint={t('createApp.keyHint')}
        error={keyInvalid && key !== '' ? t('createApp.keyInvalid') : undefined}
      >
        {({ id, describedBy, invalid }) => (
          <TextInput
            id={id}
            form="create-app-form"
            value={key}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => setTypedKey(e.target.value)}
          />
        )}
      </Field>
      {error && <Notice tone="danger">{error}</Notice>}
    </Dialog>
  )
}
