import { useTranslation } from 'react-i18next'
import { localized } from '../i18n'
import { Button } from '../ui/Button'
import { Select } from '../ui/inputs'
import type { KindedField } from './field-kinds'
import type { ConditionGroup, ConditionRow, RowSide } from './logic-rows'
import { operatorFor, operatorsFor } from './operators'
import type { RowsEdit } from './rows-edit'
import { ValueEditor } from './ValueEditor'
import styles from './conditions.module.css'

interface EditorProps {
  fields: readonly KindedField[]
  edit(edit: RowsEdit): void
  userVariables: boolean
  /** Rows may read the value before/after a record update, or test whether a field changed. */
  recordChange: boolean
}

/** An AND/OR group: its rows and nested groups, with buttons to add more. */
export function GroupEditor({
  group,
  depth,
  onRemove,
  ...props
}: EditorProps & { group: ConditionGroup; depth: number; onRemove?: () => void }) {
  const { t } = useTranslation()
  return (
    <div className={depth === 0 ? styles.root : styles.group} data-testid="condition-group">
      {(group.items.length > 1 || depth > 0) && (
        <div className={styles.groupHead}>
          <Select
            aria-label={t('conditions.matchLabel')}
            className={styles.match}
            value={group.op}
            onChange={(event) =>
              props.edit({ type: 'set-group-op', group: group.id, op: event.target.value as 'and' | 'or' })
            }
          >
            <option value="and">{t('conditions.match.and')}</option>
            <option value="or">{t('conditions.match.or')}</option>
          </Select>
          {onRemove && (
            <Button size="small" variant="ghost" onClick={onRemove}>
              {t('conditions.removeGroup')}
            </Button>
          )}
        </div>
      )}
      {group.items.map((item) =>
        item.type === 'group' ? (
          <GroupEditor
            key={item.id}
            group={item}
            depth={depth + 1}
            onRemove={() => props.edit({ type: 'remove', id: item.id })}
            {...props}
          />
        ) : (
          <RowEditor key={item.id} row={item} {...props} />
        ),
      )}
      <div className={styles.groupActions}>
        <Button size="small" onClick={() => props.edit({ type: 'add-row', group: group.id })}>
          + {t('conditions.addRow')}
        </Button>
        {depth < 3 && (
          <Button
            size="small"
            variant="ghost"
            onClick={() => props.edit({ type: 'add-group', group: group.id })}
          >
            + {t('conditions.addGroup')}
          </Button>
        )}
      </div>
    </div>
  )
}

function RowEditor({ row, fields, edit, userVariables, recordChange }: EditorProps & { row: ConditionRow }) {
  const { t, i18n } = useTranslation()
  const field = fields.find((f) => f.field.key === row.field)
  const op = field && operatorFor(field.kind, row.op)
  if (!field || !op) return null
  return (
    <div className={styles.row} data-testid="condition-row">
      <Select
        aria-label={t('conditions.field')}
        className={styles.fieldSelect}
        value={row.field}
        onChange={(event) => edit({ type: 'set-field', id: row.id, field: event.target.value })}
      >
        {fields.map((f) => (
          <option key={f.field.key} value={f.field.key}>
            {localized(f.field.label, i18n.language) || f.field.key}
          </option>
        ))}
      </Select>
      {recordChange && !op.change && (
        <Select
          aria-label={t('conditions.side.label')}
          className={styles.sideSelect}
          value={row.side ?? ''}
          onChange={(event) =>
            edit({
              type: 'set-side',
              id: row.id,
              side: (event.target.value || undefined) as RowSide | undefined,
            })
          }
        >
          <option value="">{t('conditions.side.now')}</option>
          <option value="before">{t('conditions.side.before')}</option>
          <option value="after">{t('conditions.side.after')}</option>
        </Select>
      )}
      <Select
        aria-label={t('conditions.operator')}
        className={styles.opSelect}
        value={row.op}
        onChange={(event) => edit({ type: 'set-op', id: row.id, op: event.target.value })}
      >
        {operatorsFor(field.kind, { recordChange: recordChange && !row.side }).map((o) => (
          <option key={o.key} value={o.key}>
            {t(`conditions.op.${o.key}`)}
          </option>
        ))}
      </Select>
      <ValueEditor
        field={field}
        op={op}
        value={row.a}
        label={t('conditions.value')}
        userVariables={userVariables}
        onChange={(value) => edit({ type: 'set-value', id: row.id, which: 'a', value })}
      />
      {op.pair && (
        <>
          <span className={styles.between}>{t('conditions.valueTo')}</span>
          <ValueEditor
            field={field}
            op={op}
            value={row.b}
            label={`${t('conditions.value')} 2`}
            userVariables={false}
            onChange={(value) => edit({ type: 'set-value', id: row.id, which: 'b', value })}
          />
        </>
      )}
      <Button
        size="small"
        variant="ghost"
        className={styles.remove}
        aria-label={t('conditions.remove')}
        title={t('conditions.remove')}
        onClick={() => edit({ type: 'remove', id: row.id })}
      >
        ×
      </Button>
    </div>
  )
}
