import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { LocalizedText } from '@trellis/form-engine'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'
import { keyProblem, suggestKey } from './state/keys'

export interface NewFormDialogProps {
  open: boolean
  taken: readonly string[]
  onClose: () => void
  onCreate: (key: string, label: LocalizedText) => void
}

export function NewFormDialog({ open, taken, onClose, onCreate }: NewFormDialogProps) {
  const { t } = useTranslation()
  const [zh, setZh] = useState('')
  const [en, setEn] = useState('')
  const [typedKey, setTypedKey] = useState<string | undefined>()
  const key = typedKey ?? suggestKey(en, 'form', taken)
  const problem = keyProblem(key, taken)
  const empty = zh.trim() === '' && en.trim() === ''

  const close = () => {
    setZh('')
    setEn('')
    setTypedKey(undefined)
    onClose()
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (problem || empty) return
    const label: LocalizedText = {}
    if (zh.trim()) label['zh-CN'] = zh.trim()
    if (en.trim()) label.en = en.trim()
    onCreate(key, label)
    close()
  }

  return (
    <Dialog
      open={open}
      title={t('forms.new')}
      onClose={close}
      testId="new-form"
      footer={
        <>
          <Button onClick={close}>{t('common.cancel')}</Button>
          <Button variant="primary" type="submit" form="new-form-form" disabled={Boolean(problem) || empty}>
            {t('forms.create')}
          </Button>
        </>
      }
    >
      <form id="new-form-form" onSubmit={submit} style={{ display: 'contents' }}>
        <Field label={t('forms.labelZh')}>
          {({ id }) => <TextInput id={id} value={zh} onChange={(e) => setZh(e.target.value)} autoFocus />}
        </Field>
        <Field label={t('forms.labelEn')}>
          {({ id }) => <TextInput id={id} value={en} onChange={(e) => setEn(e.target.value)} />}
        </Field>
        <Field label={t('forms.key')} error={problem && key !== '' ? t(`props.key.${problem}`) : undefined}>
          {({ id, describedBy, invalid }) => (
            <TextInput
              id={id}
              value={key}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => setTypedKey(e.target.value)}
            />
          )}
        </Field>
      </form>
    </Dialog>
  )
}
