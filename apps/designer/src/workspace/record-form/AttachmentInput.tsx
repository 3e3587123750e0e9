import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { uploadFile, type UploadedFile } from '../../api/records'
import styles from './record-form.module.css'

export interface AttachmentInputProps {
  id: string
  describedBy: string | undefined
  value: UploadedFile[]
  disabled?: boolean
  maxFiles?: number
  onChange: (files: UploadedFile[]) => void
}

/** Files go to `POST /api/files` as soon as they are chosen; the record keeps their ids. */
export function AttachmentInput({
  id,
  describedBy,
  value,
  disabled,
  maxFiles,
  onChange,
}: AttachmentInputProps) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const full = maxFiles !== undefined && value.length >= maxFiles

  const add = async (list: FileList | null) => {
    if (!list?.length) return
    setBusy(true)
    setError(null)
    const uploaded: UploadedFile[] = []
    try {
      for (const file of Array.from(list)) uploaded.push(await uploadFile(file))
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
      if (uploaded.length) onChange([...value, ...uploaded])
    }
  }

  return (
    <div className={styles.files}>
      {value.map((file) => (
        <div key={file.id} className={styles.file}>
          <a href={`/api/files/${encodeURIComponent(file.id)}`}>{file.name}</a>
          <span className={styles.muted}>{Math.max(1, Math.round(file.size / 1024))} KB</span>
          {!disabled && (
            <button
              type="button"
              className={styles.linkButton}
              onClick={() => onChange(value.filter((f) => f.id !== file.id))}
            >
              {t('recordForm.remove')}
            </button>
          )}
        </div>
      ))}
      {!disabled && !full && (
        <input
          id={id}
          type="file"
          multiple={maxFiles !== 1}
          aria-describedby={describedBy}
          disabled={busy}
          onChange={(event) => {
            void add(event.target.files)
            event.target.value = ''
          }}
        />
      )}
      {busy && <span className={styles.muted}>{t('recordForm.uploading')}</span>}
      {error && <span className={styles.error}>{error}</span>}
    </div>
  )
}
