import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { WorkspaceForm } from '../../api/workspace'
import { Button } from '../../ui/Button'
import { fieldLabel } from './format-value'
import { liveFields } from './table-state'
import styles from './records.module.css'

export interface ColumnChooserProps {
  form: WorkspaceForm
  columns: string[]
  onToggle: (field: string) => void
  onMove: (field: string, by: -1 | 1) => void
}

/** Which columns the table shows, and in what order (shown ones first, each movable). */
export function ColumnChooser({ form, columns, onToggle, onMove }: ColumnChooserProps) {
  const { t, i18n } = useTranslation()
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [open])
  const fields = liveFields(form)
  const ordered = [
    ...columns.map((key) => fields.find((f) => f.key === key)).filter((f) => f !== undefined),
    ...fields.filter((f) => !columns.includes(f.key)),
  ]
  return (
    <div className={styles.popover} ref={ref}>
      <Button aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('records.columns')}
      </Button>
      {open && (
        <div className={styles.popoverBody} role="group" aria-label={t('records.columns')}>
          {ordered.map((field) => {
            const shown = columns.includes(field.key)
            return (
              <div key={field.key} className={styles.columnItem}>
                <label>
                  <input type="checkbox" checked={shown} onChange={() => onToggle(field.key)} />{' '}
                  {fieldLabel(field, field.key, i18n.language)}
                </label>
                {shown && (
                  <span>
                    <Button
                      size="small"
                      variant="ghost"
                      aria-label={t('records.moveUp')}
                      onClick={() => onMove(field.key, -1)}
                    >
                      ↑
                    </Button>
                    <Button
                      size="small"
                      variant="ghost"
                      aria-label={t('records.moveDown')}
                      onClick={() => onMove(field.key, 1)}
                    >
                      ↓
                    </Button>
                  </span>
                )}
              </div>
            )
          })}
        </div>
      )}
    </div>
  )
}
