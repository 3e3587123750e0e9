import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recordsApi, type RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { Button } from '../../ui/Button'
import { Dialog } from '../../ui/Dialog'
import { Field } from '../../ui/Field'
import { TextInput } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import { availableBulkActions, bulkField, bulkUpdates, chunks, type BulkKind } from './bulk-actions'
import styles from './records.module.css'

export interface BulkBarProps {
  appKey: string
  form: WorkspaceForm
  selected: RecordJson[]
  /** Who is logged in: the default assignee. */
  username: string
  onUpdated: (records: RecordJson[]) => void
  onDeleted: (ids: string[]) => void
  onClear: () => void
}

/** Actions on the selected rows: add a tag, set the assignee, move to the trash. */
export function BulkBar({ appKey, form, selected, username, onUpdated, onDeleted, onClear }: BulkBarProps) {
  const { t, i18n } = useTranslation()
  const [action, setAction] = useState<BulkKind | null>(null)
  const [value, setValue] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const kinds = availableBulkActions(form)

  const run = async () => {
    if (!action) return
    setBusy(true)
    setError(null)
    try {
      if (action === 'delete') {
        const done: string[] = []
        for (const record of selected) {
          await recordsApi.remove(appKey, form.key, record.id, record.version)
          done.push(record.id)
        }
        onDeleted(done)
      } else {
        const field = bulkField(form, action)!
        const updated: RecordJson[] = []
        for (const part of chunks(bulkUpdates(selected, field, value.trim())))
          if (part.length) updated.push(...(await recordsApi.bulkUpdate(appKey, form.key, part)).records)
        onUpdated(updated)
      }
      setAction(null)
      onClear()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const open = (kind: BulkKind) => {
    setError(null)
    setValue(kind === 'assign' ? username : '')
    setAction(kind)
  }
  const tagField = bulkField(form, 'tag')

  return (
    <div className={styles.bulkBar} data-testid="bulk-bar">
      <span>{t('records.selected', { count: selected.length })}</span>
      {kinds.map((kind) => (
        <Button
          key={kind}
          size="small"
          variant={kind === 'delete' ? 'danger' : 'default'}
          onClick={() => open(kind)}
        >
          {t(`records.bulk.${kind}`)}
        </Button>
      ))}
      <Button size="small" variant="ghost" onClick={onClear}>
        {t('records.clearSelection')}
      </Button>
      <Dialog
        open={action !== null}
        title={action ? t(`records.bulk.${action}`) : ''}
        testId="bulk-dialog"
        onClose={() => setAction(null)}
        footer={
          <>
            <Button onClick={() => setAction(null)}>{t('records.cancel')}</Button>
            <Button
              variant={action === 'delete' ? 'danger' : 'primary'}
              disabled={busy || (action !== 'delete' && !value.trim())}
              onClick={() => void run()}
            >
              {t('records.apply', { count: selected.length })}
            </Button>
          </>
        }
      >
        <div className={styles.panel}>
          {error && <Notice tone="danger">{error}</Notice>}
          {action === 'delete' && <p>{t('records.confirmDelete', { count: selected.length })}</p>}
          {action && action !== 'delete' && (
            <Field label={t(action === 'tag' ? 'records.tag' : 'records.assignee')}>
              {(control) => (
                <>
                  <TextInput
                    id={control.id}
                    list={action === 'tag' ? `${control.id}-options` : undefined}
                    value={value}
                    onChange={(event) => setValue(event.target.value)}
                  />
                  {action === 'tag' && (
                    <datalist id={`${control.id}-options`}>
                      {(tagField?.options ?? []).map((option) => (
                        <option key={option.value} value={option.value}>
                          {localized(option.label, i18n.language)}
                        </option>
                      ))}
                    </datalist>
                  )}
                </>
              )}
            </Field>
          )}
        </div>
      </Dialog>
    </div>
  )
}
