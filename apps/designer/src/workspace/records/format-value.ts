import type { FieldDef } from '@trellis/form-engine'
import { localized } from '../../i18n'
import type { RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'

type Forms = ReadonlyArray<WorkspaceForm>

/** A record's title: its form's title field, else its first text, else `#id`. */
export function recordTitle(
  form: WorkspaceForm | undefined,
  record: Record<string, unknown> | null | undefined,
) {
  if (!record) return ''
  const key = form?.titleField ?? form?.fields.find((f) => f.type === 'text')?.key
  const value = key ? record[key] : undefined
  return typeof value === 'string' && value ? value : `#${String(record.id ?? '')}`
}

const optionLabel = (field: FieldDef, value: unknown, language: string) => {
  const option = field.options?.find((o) => o.value === value)
  return option ? localized(option.label, language) || option.value : String(value)
}

/** A stored E.164 mainland number shown as people write it: `+8613912345678` → `139 1234 5678`. */
export function formatPhone(value: string): string {
  const match = /^\+86(1\d{2})(\d{4})(\d{4})$/.exec(value)
  return match ? `${match[1]} ${match[2]} ${match[3]}` : value
}

/** One value as text in a table cell, a card or the timeline (in the current language). */
export function formatValue(
  field: FieldDef | undefined,
  value: unknown,
  language: string,
  record?: RecordJson,
  forms?: Forms,
): string {
  if (value === null || value === undefined || value === '') return ''
  if (!field) return typeof value === 'object' ? JSON.stringify(value) : String(value)
  switch (field.type) {
    case 'boolean':
      return value ? '✓' : '✗'
    case 'select':
      return optionLabel(field, value, language)
    case 'multi_select':
    case 'tags':
      return Array.isArray(value)
        ? value.map((v) => optionLabel(field, v, language)).join(', ')
        : String(value)
    case 'datetime':
      return new Date(String(value)).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' })
    case 'rollup':
    case 'formula':
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value))
        return new Date(value).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' })
      // An average over integers comes back with every digit PostgreSQL has: show it at the field's scale.
      if (typeof value === 'string' && /^-?\d+\.\d{3,}$/.test(value))
        return Number(value).toFixed(field.scale ?? 2)
      return String(value)
    case 'currency':
      return `¥${String(value)}`
    case 'percent':
      return `${String(value)}%`
    case 'phone':
      return formatPhone(String(value))
    case 'relation': {
      const target = forms?.find((f) => f.key === field.relation?.form)
      const embedded = record?.expand?.[field.key]
      return embedded ? recordTitle(target, embedded) : `#${String(value)}`
    }
    case 'attachment':
      return Array.isArray(value)
        ? value.map((file) => (file as { name?: string }).name ?? '').join(', ')
        : ''
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
}

export const fieldLabel = (field: FieldDef | undefined, key: string, language: string) =>
  (field && localized(field.label, language)) || key
