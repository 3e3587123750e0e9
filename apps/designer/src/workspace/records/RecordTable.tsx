import { useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { canEditInline, cellText, parseCellInput } from './cell-edit'
import { fieldLabel, formatValue, recordTitle } from './format-value'
import { sortable, type ListItem, type SortSpec } from './table-state'
import { VirtualList } from './VirtualList'
import styles from './records.module.css'

export const ROW_HEIGHT = 40

export interface RecordTableProps {
  form: WorkspaceForm
  forms: WorkspaceForm[]
  rows: RecordJson[]
  items: ListItem[]
  columns: string[]
  sort: SortSpec | null
  selected: string[]
  groupBy: string | null
  /** Server errors of inline edits, by `recordId:field`. */
  cellErrors: Record<string, string>
  onSort: (field: string) => void
  onSelect: (id: string) => void
  onSelectAll: (all: boolean) => void
  onOpen: (record: RecordJson) => void
  onEdit: (record: RecordJson, field: string, value: unknown) => void
  onNearEnd: () => void
}

/** The desk table: sticky sortable header, a checkbox column, one-line cells editable in place. */
export function RecordTable(props: RecordTableProps) {
  const { t, i18n } = useTranslation()
  const { form, rows, items, columns, sort } = props
  const [editing, setEditing] = useState<{ id: string; field: string; text: string } | null>(null)
  const template = `44px ${columns.map(() => 'minmax(140px, 1fr)').join(' ')}`
  // Every row as wide as the columns' minimums: the header and the rows line up, and no row's width depends
  // on measuring its text (each row that scrolls into view lays out at a known width).
  const rowStyle = { gridTemplateColumns: template, minWidth: 44 + 140 * columns.length }
  const fieldOf = (key: string) => form.fields.find((f) => f.key === key)
  const allSelected = rows.length > 0 && props.selected.length === rows.length

  const commit = (record: RecordJson) => {
    if (!editing) return
    const field = fieldOf(editing.field)
    setEditing(null)
    if (!field || editing.text === cellText(record[editing.field])) return
    props.onEdit(record, editing.field, parseCellInput(field, editing.text))
  }

  const header = (
    <div className={styles.headerRow} style={rowStyle} role="row">
      <div className={styles.headCell} role="columnheader">
        <input
          type="checkbox"
          aria-label={t('records.selectAll')}
          checked={allSelected}
          onChange={(event) => props.onSelectAll(event.target.checked)}
        />
      </div>
      {columns.map((key) => {
        const active = sort?.field === key
        return (
          <div
            key={key}
            className={styles.headCell}
            role="columnheader"
            aria-sort={active ? (sort!.descending ? 'descending' : 'ascending') : 'none'}
          >
            <button
              type="button"
              className={styles.sortButton}
              disabled={!sortable(form, key)}
              onClick={() => props.onSort(key)}
              data-column={key}
            >
              {fieldLabel(fieldOf(key), key, i18n.language)}
              {active ? (sort!.descending ? ' ↓' : ' ↑') : ''}
            </button>
          </div>
        )
      })}
    </div>
  )

  const renderRow = (record: RecordJson) => {
    const selected = props.selected.includes(record.id)
    return (
      <div
        className={styles.row}
        style={rowStyle}
        role="row"
        aria-selected={selected}
        data-record={record.id}
      >
        <div className={styles.cell} role="gridcell">
          <input
            type="checkbox"
            aria-label={t('records.selectRow', { title: recordTitle(form, record) })}
            checked={selected}
            onChange={() => props.onSelect(record.id)}
          />
        </div>
        {columns.map((key, index) => {
          const field = fieldOf(key)
          const error = props.cellErrors[`${record.id}:${key}`]
          const isEditing = editing?.id === record.id && editing.field === key
          const editable = canEditInline(form, key)
          const text = formatValue(field, record[key], i18n.language, record, props.forms)
          const keyDown = (event: KeyboardEvent) => {
            if (event.key === 'Enter') commit(record)
            if (event.key === 'Escape') setEditing(null)
          }
          return (
            <div
              key={key}
              role="gridcell"
              className={[styles.cell, error ? styles.cellError : ''].filter(Boolean).join(' ')}
              data-field={key}
              data-editable={editable}
              title={error ?? text}
              onDoubleClick={() =>
                editable && setEditing({ id: record.id, field: key, text: cellText(record[key]) })
              }
            >
              {isEditing && field ? (
                field.type === 'select' || field.type === 'boolean' ? (
                  <select
                    autoFocus
                    className={styles.cellEditor}
                    aria-label={fieldLabel(field, key, i18n.language)}
                    value={editing.text}
                    onChange={(event) => setEditing({ ...editing, text: event.target.value })}
                    onBlur={() => commit(record)}
                    onKeyDown={keyDown}
                  >
                    <option value="">—</option>
                    {field.type === 'boolean' ? (
                      <>
                        <option value="true">{t('records.yes')}</option>
                        <option value="false">{t('records.no')}</option>
                      </>
                    ) : (
                      (field.options ?? []).map((option) => (
                        <option key={option.value} value={option.value}>
                          {localized(option.label, i18n.language) || option.value}
                        </option>
                      ))
                    )}
                  </select>
                ) : (
                  <input
                    autoFocus
                    className={styles.cellEditor}
                    aria-label={fieldLabel(field, key, i18n.language)}
                    type={field.type === 'date' ? 'date' : 'text'}
                    value={editing.text}
                    onChange={(event) => setEditing({ ...editing, text: event.target.value })}
                    onBlur={() => commit(record)}
                    onKeyDown={keyDown}
                  />
                )
              ) : index === 0 ? (
                <button type="button" className={styles.open} onClick={() => props.onOpen(record)}>
                  {text || recordTitle(form, record)}
                </button>
              ) : (
                text
              )}
              {error && !isEditing && <span className={styles.cellMessage}>{error}</span>}
            </div>
          )
        })}
      </div>
    )
  }

  return (
    <VirtualList
      count={items.length}
      itemHeight={ROW_HEIGHT}
      header={header}
      minWidth={rowStyle.minWidth}
      role="grid"
      label={localized(form.label, i18n.language)}
      testId="records-table"
      onNearEnd={props.onNearEnd}
      renderItem={(index) => {
        const item = items[index]!
        if (item.kind === 'group') {
          const field = props.groupBy ? fieldOf(props.groupBy) : undefined
          const value = formatValue(
            field,
            item.value,
            i18n.language,
            rows.find((r) => r[props.groupBy!] === item.value),
            props.forms,
          )
          return (
            <div className={styles.groupHeader} role="row" data-group={item.key}>
              {value || t('records.emptyGroup')} <span className={styles.count}>({item.count})</span>
            </div>
          )
        }
        return renderRow(rows[item.index]!)
      }}
    />
  )
}
