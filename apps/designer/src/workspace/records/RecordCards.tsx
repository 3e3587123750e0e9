import { useTranslation } from 'react-i18next'
import type { RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { fieldLabel, formatValue, recordTitle } from './format-value'
import type { ListItem } from './table-state'
import { VirtualList } from './VirtualList'
import styles from './records.module.css'

export const CARD_HEIGHT = 104

export interface RecordCardsProps {
  form: WorkspaceForm
  forms: WorkspaceForm[]
  rows: RecordJson[]
  items: ListItem[]
  columns: string[]
  selected: string[]
  groupBy: string | null
  onSelect: (id: string) => void
  onOpen: (record: RecordJson) => void
  onNearEnd: () => void
}

/** At the shop counter: each record a card (title, then three chosen columns), a tap opens it. */
export function RecordCards(props: RecordCardsProps) {
  const { t, i18n } = useTranslation()
  const { form, rows, items } = props
  const fieldOf = (key: string) => form.fields.find((f) => f.key === key)
  const lines = props.columns.filter((key) => key !== form.titleField).slice(0, 3)

  return (
    <VirtualList
      count={items.length}
      itemHeight={CARD_HEIGHT}
      role="list"
      label={localized(form.label, i18n.language)}
      testId="records-cards"
      onNearEnd={props.onNearEnd}
      renderItem={(index) => {
        const item = items[index]!
        if (item.kind === 'group') {
          const field = props.groupBy ? fieldOf(props.groupBy) : undefined
          return (
            <div className={styles.groupHeader} data-group={item.key}>
              {formatValue(field, item.value, i18n.language) || t('records.emptyGroup')} ({item.count})
            </div>
          )
        }
        const record = rows[item.index]!
        const selected = props.selected.includes(record.id)
        return (
          <div className={styles.card} role="listitem" aria-selected={selected} data-record={record.id}>
            <div className={styles.cardTop}>
              <input
                type="checkbox"
                aria-label={t('records.selectRow', { title: recordTitle(form, record) })}
                checked={selected}
                onChange={() => props.onSelect(record.id)}
              />
              <button
                type="button"
                className={[styles.open, styles.cardTitle].join(' ')}
                onClick={() => props.onOpen(record)}
              >
                {recordTitle(form, record)}
              </button>
            </div>
            {lines.map((key) => (
              <div key={key} className={styles.cardLine} data-field={key}>
                {fieldLabel(fieldOf(key), key, i18n.language)}:{' '}
                {formatValue(fieldOf(key), record[key], i18n.language, record, props.forms) || '—'}
              </div>
            ))}
          </div>
        )
      }}
    />
  )
}
