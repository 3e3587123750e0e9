import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recordsApi, type RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { TextInput } from '../../ui/inputs'
import { formatValue, recordTitle } from '../records/format-value'
import { searchLogic } from '../records/table-state'
import styles from './record-form.module.css'

export interface RelationPickerProps {
  id: string
  describedBy: string | undefined
  invalid: boolean
  app: string
  /** The related form; undefined when the viewer may not read it (then only the id can be kept). */
  target: WorkspaceForm | undefined
  value: string | null
  disabled?: boolean
  onChange: (id: string | null) => void
}

/** Picks a related record by searching its title and phone (as the records table's search does). */
export function RelationPicker({
  id,
  describedBy,
  invalid,
  app,
  target,
  value,
  disabled,
  onChange,
}: RelationPickerProps) {
  const { t, i18n } = useTranslation()
  const [query, setQuery] = useState('')
  const [results, setResults] = useState<RecordJson[]>([])
  const [chosen, setChosen] = useState<RecordJson | null>(null)
  const [open, setOpen] = useState(false)

  // The current value's title, once.
  useEffect(() => {
    if (!value || !target || chosen?.id === value) return
    let cancelled = false
    recordsApi.get(app, target.key, value).then(
      (record) => !cancelled && setChosen(record),
      () => undefined,
    )
    return () => {
      cancelled = true
    }
  }, [app, target, value, chosen])

  useEffect(() => {
    if (!open || !target) return
    let cancelled = false
    const timer = setTimeout(() => {
      recordsApi.list(app, target.key, { filter: searchLogic(target, query), limit: 10 }).then(
        (page) => !cancelled && setResults(page.records),
        () => !cancelled && setResults([]),
      )
    }, 200)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [app, target, query, open])

  const phoneField = target?.fields.find((f) => f.type === 'phone')
  const label = (record: RecordJson) =>
    [
      recordTitle(target, record),
      phoneField ? formatValue(phoneField, record[phoneField.key], i18n.language) : '',
    ]
      .filter(Boolean)
      .join(' · ')

  return (
    <div className={styles.picker}>
      {value && (
        <div className={styles.pickerValue} data-testid="relation-value">
          <span>{chosen && chosen.id === value ? label(chosen) : `#${value}`}</span>
          {!disabled && (
            <button type="button" className={styles.linkButton} onClick={() => onChange(null)}>
              {t('recordForm.clear')}
            </button>
          )}
        </div>
      )}
      {!disabled && target && (
        <TextInput
          id={id}
          type="search"
          role="combobox"
          aria-expanded={open}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          placeholder={t('recordForm.searchRelated')}
          value={query}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onChange={(event) => {
            setQuery(event.target.value)
            setOpen(true)
          }}
        />
      )}
      {open && results.length > 0 && (
        <ul className={styles.options} role="listbox">
          {results.map((record) => (
            <li key={record.id} role="option" aria-selected={record.id === value}>
              <button
                type="button"
                className={styles.option}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => {
                  setChosen(record)
                  onChange(record.id)
                  setQuery('')
                  setOpen(false)
                }}
              >
                {label(record)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
