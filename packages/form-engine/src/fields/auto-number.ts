import type { FieldDef } from '../types.js'
import type { FieldTypeModule } from './field-type.js'
import { passThrough } from './computed.js'

const DEFAULT_DIGITS = 6

/** `{ prefix: 'KH', digits: 6 }`, n = 42 → `KH000042`. Numbers wider than `digits` are not truncated. */
export function formatAutoNumber(field: FieldDef, n: number | bigint): string {
  const digits = field.autoNumber?.digits ?? DEFAULT_DIGITS
  return `${field.autoNumber?.prefix ?? ''}${String(n).padStart(digits, '0')}`
}

/** Assigned by the server from a sequence on insert; always unique. */
export const autoNumberField: FieldTypeModule = {
  type: 'auto_number',
  writable: false,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'text',
  column: () => 'text',
  jsonSchema: () => ({ type: 'string' }),
  normalize: passThrough,
  invalidCode: 'field.invalid_value',
  validateConfig: (field) => {
    const digits = field.autoNumber?.digits
    if (digits !== undefined && !(Number.isInteger(digits) && digits >= 1 && digits <= 18)) {
      return [{ path: 'autoNumber.digits', code: 'config.invalid_auto_number' }]
    }
    const prefix = field.autoNumber?.prefix
    if (prefix !== undefined && (typeof prefix !== 'string' || prefix.length > 20)) {
      return [{ path: 'autoNumber.prefix', code: 'field.invalid_value' }]
    }
    return []
  },
}
