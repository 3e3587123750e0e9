import { formatFieldError, type FieldDef, type FieldError } from '@trellis/form-engine'
import { ApiError } from '../../api/client'
import type { WorkspaceForm } from '../../api/workspace'
import { engineLocale } from '../../i18n'

/** Types a one-line cell editor can change; the rest open the full form. */
const inlineTypes = new Set<FieldDef['type']>([
  'text',
  'number',
  'decimal',
  'currency',
  'percent',
  'boolean',
  'date',
  'select',
  'email',
  'phone',
  'url',
  'user',
])

export function canEditInline(form: WorkspaceForm, key: string): boolean {
  const field = form.fields.find((f) => f.key === key)
  return Boolean(
    field &&
    form.access.actions.includes('update') &&
    !form.access.readOnly.includes(key) &&
    !form.access.masked.includes(key) &&
    inlineTypes.has(field.type),
  )
}

/** The editor's text for a value (what the user starts editing from). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value)
}

/** The JSON value the API expects for what was typed; the server normalizes and validates the rest. */
export function parseCellInput(field: FieldDef, text: string): unknown {
  const trimmed = text.trim()
  if (trimmed === '') return null
  switch (field.type) {
    case 'number':
    case 'percent':
      return Number.isNaN(Number(trimmed)) ? trimmed : Number(trimmed)
    case 'boolean':
      return trimmed === 'true'
    default:
      return trimmed
  }
}

/**
 * The message to show on a field for a failed write: the form engine's errors (`details[]` of a
 * VALIDATION_FAILED, with message keys) in the user's language, else the server's own message.
 */
export function fieldErrorsOf(error: unknown, language: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(error instanceof ApiError)) {
    out[''] = (error as Error)?.message ?? String(error)
    return out
  }
  const details = Array.isArray(error.details) ? (error.details as FieldError[]) : []
  for (const detail of details) {
    if (!detail || typeof detail.path !== 'string') continue
    const key = detail.path.split('.')[0]!
    out[key] ??=
      typeof detail.code === 'string' && detail.code.startsWith('field.')
        ? formatFieldError(detail, engineLocale(language))
        : detail.message
  }
  if (!details.length) out[error.path?.split('.')[0] ?? ''] = error.message
  return out
}
