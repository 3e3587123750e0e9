import type { FieldDef } from '@trellis/form-engine'
import type { RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'

/** What the user is typing, per field: text for numbers and dates until they are sent. */
export type Inputs = Record<string, unknown>

const computed = new Set<FieldDef['type']>(['formula', 'rollup', 'auto_number'])

/** The fields a person fills: not computed ones, not archived ones. */
export const fillable = (form: WorkspaceForm) =>
  form.fields.filter((f) => !f.archived && !computed.has(f.type))

/** May the viewer change this field (read-only and masked ones are shown, not edited)? */
export const writable = (form: WorkspaceForm, key: string) =>
  !form.access.readOnly.includes(key) && !form.access.masked.includes(key)

const numeric = new Set<FieldDef['type']>(['number', 'decimal', 'currency', 'percent'])

/** A datetime-local input's value for an ISO instant, in the browser's time zone. */
export function toLocalDateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** The form's starting inputs: a record's values, or the fields' defaults plus what the caller presets. */
export function initialInputs(form: WorkspaceForm, record: RecordJson | null, preset: Inputs = {}): Inputs {
  const inputs: Inputs = {}
  for (const field of fillable(form)) {
    const value = record ? record[field.key] : (preset[field.key] ?? field.default)
    if (value === undefined || value === null) continue
    if (field.type === 'datetime' && typeof value === 'string') inputs[field.key] = toLocalDateTime(value)
    else if (numeric.has(field.type)) inputs[field.key] = String(value)
    else inputs[field.key] = value
  }
  return inputs
}

/** One input as the API's JSON value; empty text is "no value". */
export function toValue(field: FieldDef, input: unknown): unknown {
  if (input === undefined || input === null) return null
  if (typeof input === 'string') {
    const text = field.type === 'long_text' ? input : input.trim()
    if (text === '') return null
    if (field.type === 'number' || field.type === 'percent')
      return Number.isNaN(Number(text)) ? text : Number(text)
    if (field.type === 'datetime') {
      const date = new Date(text)
      return Number.isNaN(date.getTime()) ? text : date.toISOString()
    }
    return text
  }
  if (Array.isArray(input) && input.length === 0) return field.type === 'attachment' ? [] : null
  return input
}

/**
 * The values to send: every visible, writable field that has a value for a new record; only the fields that
 * changed for an update (a PATCH), so a masked value read from the server is never written back.
 */
export function valuesToSend(
  form: WorkspaceForm,
  inputs: Inputs,
  visible: (key: string) => boolean,
  record: RecordJson | null,
): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  const original = record ? initialInputs(form, record) : {}
  for (const field of fillable(form)) {
    if (!visible(field.key) || !writable(form, field.key)) continue
    const value = toValue(field, inputs[field.key])
    if (record) {
      if (JSON.stringify(inputs[field.key] ?? null) === JSON.stringify(original[field.key] ?? null)) continue
      values[field.key] = value
    } else if (value !== null && !(Array.isArray(value) && value.length === 0)) {
      values[field.key] = value
    }
  }
  return values
}

const draftKey = (app: string, form: string, id: string | null) =>
  `trellis.draft.${app}.${form}.${id ?? 'new'}`

/** Drafts survive a reload (a phone locked mid-entry): kept per app, form and record in localStorage. */
export const drafts = {
  load(app: string, form: string, id: string | null): Inputs | null {
    try {
      const text = localStorage.getItem(draftKey(app, form, id))
      return text ? (JSON.parse(text) as Inputs) : null
    } catch {
      return null
    }
  },
  save(app: string, form: string, id: string | null, inputs: Inputs): void {
    try {
      localStorage.setItem(draftKey(app, form, id), JSON.stringify(inputs))
    } catch {
      // A full or disabled storage loses the draft, not the form.
    }
  },
  clear(app: string, form: string, id: string | null): void {
    try {
      localStorage.removeItem(draftKey(app, form, id))
    } catch {
      // see save
    }
  },
}
