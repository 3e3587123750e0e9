import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { LocalizedName } from '../api/reports'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'

/** Names a report in both languages (Chinese required: it is the app's first language). */
export function SaveReportDialog({
  open,
  initial,
  busy,
  error,
  onSave,
  onClose,
}: {
  open: boolean
  initial: LocalizedName
  busy: boolean
  error: string | null
  onSave: (name: LocalizedName) => void
  onClose: () => void
}) {
  const { t } = useTranslation()
  const [zh, setZh] = useState(initial['zh-CN'] ?? '')
  const [en, setEn] = useState(initial.en ?? '')
  useEffect(() => {
    if (!open) return
    setZh(initial['zh-CN'] ?? '')
    setEn(initial.en ?? '')
  }, [open, initial])
  const submit = () => onSave({ 'zh-CN': zh.trim(), ...(en.trim() ? { en: en.trim() } : {}) })
  return (
    <Dialog
      open={open}
      title={t('reports.save.title')}
      onClose={onClose}
      testId="save-report"
      footer={
        <>
          <Button onClick={onClose}>{t('reports.save.cancel')}</Button>
          <Button variant="primary" disabled={!zh.trim() || busy} onClick={submit}>
            {t('reports.save.confirm')}
          </Button>
        </>
      }
    >
      <Field label={t('reports.save.nameZh')} error={error ?? undefined}>
        {({ id, describedBy }) => (
          <TextInput
            id={id}
            aria-describedby={describedBy}
            value={zh}
            onChange={(e) => setZh(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('reports.save.nameEn')}>
        {({ id }) => <TextInput id={id} value={en} onChange={(e) => setEn(e.target.value)} />}
      </Field>
    </Dialog>
  )
}
