import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { localized } from '../i18n'
import { Select, TextInput } from '../ui/inputs'
import type { KindedField } from './field-kinds'
import { isUserValue, type RowValue } from './logic-rows'
import type { OperatorDef } from './operators'
import styles from './conditions.module.css'

/** Attributes members usually carry (`$user.id` and `$user.username` always exist; `store` in the CRM). */
const USER_ATTRIBUTES = ['store', 'id', 'username']

interface ValueEditorProps {
  field: KindedField
  op: OperatorDef
  value: RowValue | undefined
  onChange(value: RowValue): void
  /** The row offers `$user.<name>` values (row scopes). */
  userVariables: boolean
  label: string
}

/** The value part of a row: an input fitting the field and operator, or a `$user` attribute. */
export function ValueEditor({ field, op, value, onChange, userVariables, label }: ValueEditorProps) {
  const { t } = useTranslation()
  const canUseUser = op.userVariable && (userVariables || isUserValue(value))
  return (
    <span className={styles.value}>
      {canUseUser && (
        <Select
          aria-label={t('conditions.source')}
          className={styles.source}
          value={isUserValue(value) ? 'user' : 'value'}
          onChange={(event) =>
            onChange(
              event.target.value === 'user'
                ? { user: USER_ATTRIBUTES[0]! }
                : op.value === 'number'
                  ? null
                  : '',
            )
          }
        >
          <option value="value">{t('conditions.sourceValue')}</option>
          <option value="user">{t('conditions.sourceUser')}</option>
        </Select>
      )}
      {isUserValue(value) ? (
        <UserAttribute value={value.user} onChange={(user) => onChange({ user })} />
      ) : (
        <LiteralEditor field={field} op={op} value={value} onChange={onChange} label={label} />
      )}
    </span>
  )
}

function UserAttribute({ value, onChange }: { value: string; onChange(value: string): void }) {
  const { t } = useTranslation()
  const listId = useId()
  return (
    <>
      <span className={styles.userPrefix}>$user.</span>
      <TextInput
        aria-label={t('conditions.userAttribute')}
        className={styles.short}
        list={listId}
        value={value}
        onChange={(event) => onChange(event.target.value.replace(/[^A-Za-z0-9_]/g, ''))}
      />
      <datalist id={listId}>
        {USER_ATTRIBUTES.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  )
}

function LiteralEditor({ field, op, value, onChange, label }: Omit<ValueEditorProps, 'userVariables'>) {
  const { t, i18n } = useTranslation()
  const options = field.field.options ?? []
  switch (op.value) {
    case 'none':
      return null
    case 'number':
      return (
        <TextInput
          aria-label={label}
          className={styles.short}
          type="number"
          value={typeof value === 'number' ? String(value) : ''}
          onChange={(event) => onChange(event.target.value === '' ? null : Number(event.target.value))}
        />
      )
    case 'days':
      return (
        <span className={styles.days}>
          <TextInput
            aria-label={label}
            className={styles.short}
            type="number"
            min={0}
            step={1}
            value={typeof value === 'number' ? String(value) : ''}
            onChange={(event) => onChange(Math.max(0, Math.trunc(Number(event.target.value) || 0)))}
          />
          <span>{t('conditions.days')}</span>
        </span>
      )
    case 'date':
      return (
        <TextInput
          aria-label={label}
          className={styles.medium}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value)}
        />
      )
    case 'options':
      return (
        <OptionsPicker
          label={label}
          options={options.map((o) => ({
            value: o.value,
            label: localized(o.label, i18n.language) || o.value,
          }))}
          value={Array.isArray(value) ? value : []}
          onChange={onChange}
          free={field.kind === 'tags'}
        />
      )
    default:
      if (field.kind === 'select' && options.length > 0)
        return (
          <Select
            aria-label={label}
            className={styles.medium}
            value={typeof value === 'string' ? value : ''}
            onChange={(event) => onChange(event.target.value)}
          >
            <option value="" />
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {localized(o.label, i18n.language) || o.value}
              </option>
            ))}
          </Select>
        )
      return (
        <TextInput
          aria-label={label}
          className={styles.medium}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value)}
        />
      )
  }
}

/** Toggle chips for option lists; tags also take values outside the suggestions. */
function OptionsPicker({
  label,
  options,
  value,
  onChange,
  free,
}: {
  label: string
  options: { value: string; label: string }[]
  value: string[]
  onChange(value: string[]): void
  free: boolean
}) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState('')
  const known = new Set(options.map((o) => o.value))
  const all = [...options, ...value.filter((v) => !known.has(v)).map((v) => ({ value: v, label: v }))]
  const toggle = (item: string) =>
    onChange(value.includes(item) ? value.filter((v) => v !== item) : [...value, item])
  return (
    <span className={styles.chips} role="group" aria-label={label}>
      {all.map((o) => (
        <button
          key={o.value}
          type="button"
          className={styles.chip}
          aria-pressed={value.includes(o.value)}
          onClick={() => toggle(o.value)}
        >
          {o.label}
        </button>
      ))}
      {free && (
        <TextInput
          aria-label={t('conditions.addTag')}
          placeholder={t('conditions.addTag')}
          className={styles.short}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            const tag = draft.trim()
            if (event.key === 'Enter' && tag) {
              event.preventDefault()
              if (!value.includes(tag)) onChange([...value, tag])
              setDraft('')
            }
          }}
        />
      )}
    </span>
  )
}
