import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client'
import { templatesApi, type InstallResult, type TemplateSummary } from '../api/templates'
import { localized } from '../i18n'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { Field } from '../ui/Field'
import { Checkbox, TextInput } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import styles from './apps.module.css'

/** The server's limit for demo data over HTTP (`maxHttpDemoSize`); the CLI takes any size. */
const MAX_DEMO = 100_000

export interface InstallTemplateDialogProps {
  open: boolean
  onClose: () => void
  onInstalled: (result: InstallResult) => void
}

/**
 * Installs a ready-made app (the CRM retention template) as a new published app, optionally with its demo data:
 * the designer's way to what `trellis template install` and `POST /api/templates/:key/install` do.
 */
export function InstallTemplateDialog({ open, onClose, onInstalled }: InstallTemplateDialogProps) {
  const { t, i18n } = useTranslation()
  const [templates, setTemplates] = useState<TemplateSummary[] | undefined>()
  const [chosen, setChosen] = useState<string | undefined>()
  const [demo, setDemo] = useState(true)
  const [size, setSize] = useState('2000')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    if (!open || templates) return
    templatesApi
      .list()
      .then((list) => {
        setTemplates(list)
        setChosen((current) => current ?? list[0]?.key)
      })
      .catch((failure: Error) => setError(failure.message))
  }, [open, templates])

  const count = Number(size)
  const sizeInvalid = demo && (!Number.isInteger(count) || count < 1 || count > MAX_DEMO)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!chosen || sizeInvalid) return
    setBusy(true)
    setError(undefined)
    try {
      onInstalled(await templatesApi.install(chosen, demo ? { demo: true, size: count } : { demo: false }))
    } catch (failure) {
      const template = templates?.find((x) => x.key === chosen)
      setError(
        failure instanceof ApiError && failure.code === 'APP_EXISTS'
          ? t('installTemplate.exists', { app: template?.app ?? chosen })
          : (failure as Error).message,
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog
      open={open}
      title={t('installTemplate.title')}
      onClose={onClose}
      testId="install-template"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            type="submit"
            form="install-template-form"
            disabled={busy || !chosen || sizeInvalid}
          >
            {busy ? t('installTemplate.installing') : t('installTemplate.submit')}
          </Button>
        </>
      }
    >
      <form id="install-template-form" onSubmit={submit} className={styles.stack}>
        {templates === undefined && !error && <Notice>{t('installTemplate.loading')}</Notice>}
        <div role="radiogroup" aria-label={t('installTemplate.choose')}>
          {templates?.map((template) => (
            <label key={template.key} className={styles.templateOption} data-template={template.key}>
              <input
                type="radio"
                name="template"
                value={template.key}
                checked={chosen === template.key}
                onChange={() => setChosen(template.key)}
              />
              <span>
                <strong>{localized(template.name, i18n.language) || template.key}</strong>
                <span className={styles.subtitle}>{localized(template.description, i18n.language)}</span>
              </span>
            </label>
          ))}
        </div>
        <Checkbox
          label={t('installTemplate.demo')}
          checked={demo}
          onChange={(event) => setDemo(event.target.checked)}
        />
        {demo && (
          <Field
            label={t('installTemplate.size')}
            hint={t('installTemplate.sizeHint', { max: MAX_DEMO.toLocaleString(i18n.language) })}
            error={sizeInvalid ? t('installTemplate.sizeInvalid', { max: MAX_DEMO }) : undefined}
          >
            {({ id, describedBy, invalid }) => (
              <TextInput
                id={id}
                inputMode="numeric"
                value={size}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(event) => setSize(event.target.value.trim())}
              />
            )}
          </Field>
        )}
      </form>
      {error && <Notice tone="danger">{error}</Notice>}
    </Dialog>
  )
}
