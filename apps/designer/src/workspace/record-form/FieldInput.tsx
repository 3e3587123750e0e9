import type { FieldDef } from '@trellis/form-engine'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { UploadedFile } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { Checkbox, Select, TextArea, TextInput } from '../../ui/inputs'
import { AttachmentInput } from './AttachmentInput'
import { RelationPicker } from './RelationPicker'
import styles from './record-form.module.css'

export interface FieldInputProps {
  id: string
  describedBy: string | undefined
  invalid: boolean
  appKey: string
  forms: WorkspaceForm[]
  field: FieldDef
  value: unknown
  disabled: boolean
  onChange: (value: unknown) => void
}

const inputTypes: Partial<Record<FieldDef['type'], string>> = {
  email: 'email',
  phone: 'tel',
  url: 'url',
  date: 'date',
  datetime: 'datetime-local',
}

/** One field's control, chosen by its type. */
export function FieldInput(props: FieldInputProps) {
  const { t, i18n } = useTranslation()
  const { id, describedBy, invalid, field, value, disabled, onChange } = props
  const common = { id, disabled, 'aria-describedby': describedBy, 'aria-invalid': invalid }
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
  const label = (option: { value: string; label: Record<string, string> }) =>
    localized(option.label, i18n.language) || option.value

  switch (field.type) {
    case 'long_text':
      return <TextArea {...common} rows={3} value={text} onChange={(e) => onChange(e.target.value)} />
    case 'boolean':
      return (
        <Checkbox
          id={id}
          disabled={disabled}
          aria-describedby={describedBy}
          label={t('recordForm.yes')}
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
      )
    case 'select':
      return (
        <Select {...common} value={text} onChange={(e) => onChange(e.target.value || null)}>
          <option value="">{t('recordForm.none')}</option>
          {(field.options ?? []).map((option) => (
            <option key={option.value} value={option.value}>
              {label(option)}
            </option>
          ))}
        </Select>
      )
    case 'multi_select':
    case 'tags':
      return <ChoiceList {...props} />
    case 'relation':
      return (
        <RelationPicker
          id={id}
          describedBy={describedBy}
          invalid={invalid}
          app={props.appKey}
          target={props.forms.find(
            (f) => f.key === field.relation?.form && f.access.actions.includes('read'),
          )}
          value={typeof value === 'string' ? value : null}
          disabled={disabled}
          onChange={onChange}
        />
      )
    case 'attachment':
      return (
        <AttachmentInput
          id={id}
          describedBy={describedBy}
          value={Array.isArray(value) ? (value as UploadedFile[]) : []}
          disabled={disabled}
          maxFiles={field.attachment?.maxFiles}
          onChange={onChange}
        />
      )
    case 'number':
    case 'decimal':
    case 'currency':
    case 'percent':
      return (
        <TextInput {...common} inputMode="decimal" value={text} onChange={(e) => onChange(e.target.value)} />
      )
    default:
      return (
        <TextInput
          {...common}
          type={inputTypes[field.type] ?? 'text'}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
  }
}

/** Multi-selects and tags: the options as checkboxes; tags also take a value typed by hand. */
function ChoiceList({ id, describedBy, field, value, disabled, onChange }: FieldInputProps) {
  const { t, i18n } = useTranslation()
  const [extra, setExtra] = useState('')
  const chosen = Array.isArray(value) ? (value as string[]) : []
  const options = field.options ?? []
  const free = chosen.filter((v) => !options.some((o) => o.value === v))
  const toggle = (v: string, on: boolean) => onChange(on ? [...chosen, v] : chosen.filter((c) => c !== v))
  return (
    <div id={id} className={styles.choices} aria-describedby={describedBy} role="group">
      {[
        ...options.map((o) => ({ value: o.value, text: localized(o.label, i18n.language) || o.value })),
        ...free.map((v) => ({ value: v, text: v })),
      ].map((option) => (
        <Checkbox
          key={option.value}
          label={option.text}
          disabled={disabled}
          checked={chosen.includes(option.value)}
          onChange={(e) => toggle(option.value, e.target.checked)}
        />
      ))}
      {field.type === 'tags' && !disabled && (
        <TextInput
          aria-label={t('recordForm.addTag')}
          placeholder={t('recordForm.addTag')}
          value={extra}
          onChange={(e) => setExtra(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return
            e.preventDefault()
            const tag = extra.trim()
            if (tag && !chosen.includes(tag)) onChange([...chosen, tag])
            setExtra('')
          }}
        />
      )}
    </div>
  )
}
