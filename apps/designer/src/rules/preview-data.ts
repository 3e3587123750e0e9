import type { FieldDef, FormSchema } from '@trellis/form-engine'
import { localized } from '../i18n'

export type RecordRow = Record<string, unknown> & { id: string }

/** The record fields a condition reads (`{"var": "tier"}`), in order, for the preview's columns. */
export function conditionVars(logic: unknown, out: string[] = []): string[] {
  if (Array.isArray(logic)) for (const item of logic) conditionVars(item, out)
  else if (logic && typeof logic === 'object') {
    for (const [key, value] of Object.entries(logic)) {
      if (key === 'var' && typeof value === 'string' && !value.startsWith('$')) out.push(value.split('.')[0]!)
      else conditionVars(value, out)
    }
  }
  return out
}

export function recordTitle(record: RecordRow, form: FormSchema): string {
  const title = form.titleField ? record[form.titleField] : undefined
  return typeof title === 'string' && title ? title : `#${record.id}`
}

/** A cell value as text: option labels, instants in the app's zone, lists joined. */
export function showCell(
  value: unknown,
  field: FieldDef | undefined,
  language: string,
  timeZone: string,
): string {
  if (value === null || value === undefined || value === '') return '—'
  const option = (v: unknown) => {
    const found = field?.options?.find((o) => o.value === v)
    return found ? localized(found.label, language) || String(v) : String(v)
  }
  if (Array.isArray(value)) return value.map(option).join(', ')
  // Instants in the app's zone, where the conditions count days.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value))
    return new Date(value).toLocaleString(language, { timeZone, dateStyle: 'short', timeStyle: 'short' })
  if (typeof value === 'object') return JSON.stringify(value)
  return option(value)
}
