import { fail, ok, type FieldTypeModule } from './field-type.js'

// Full-width digits, plus and dashes are what Chinese input methods produce; read them as their ASCII twins.
function toHalfWidth(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19\uFF0B\uFF08\uFF09]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(/[\u2010-\u2015\u2212\uFF0D]/g, '-')
    .replace(/\u3000/g, ' ')
}

const CN_MOBILE = /^1[3-9]\d{9}$/
// Beijing (10) and the 2x cities have 2-digit area codes and 8-digit numbers; others 3 digits and 7–8.
const CN_LANDLINE = /^(?:(?:10|2\d)\d{8}|[3-9]\d{2}\d{7,8})$/
const CN_SERVICE = /^[48]00\d{7}$/
const E164_CN_MOBILE = /^\+861[3-9]\d{9}$/

/** A Chinese national significant number (no trunk 0) → E.164, or undefined. */
function chinese(nsn: string): string | undefined {
  const number = nsn.startsWith('0') ? nsn.slice(1) : nsn // "+86 010 …": a stray trunk prefix
  if (CN_MOBILE.test(number) || CN_LANDLINE.test(number) || CN_SERVICE.test(number)) return `+86${number}`
  return undefined
}

/**
 * Normalizes a phone number to E.164 (`+8613800138000`). Chinese numbers are understood in every common
 * spelling: `138 0013 8000`, `+86-138-0013-8000`, `0086 13800138000`, `86 13800138000`, `(+86)13800138000`;
 * landlines need their area code (`010-12345678` → `+861012345678`); 400/800 service numbers are kept as
 * `+86400…`. Other countries must be written with `+` or `00`. Returns undefined when the input is not a
 * phone number.
 */
export function normalizePhone(input: string): string | undefined {
  // The two spellings an import meets most (a number normalized before, a bare mobile): answered at once,
  // exactly as the general path below would.
  if (E164_CN_MOBILE.test(input)) return input
  if (CN_MOBILE.test(input)) return `+86${input}`
  const text = toHalfWidth(input).trim()
  if (!/^[\d+\-\s().]+$/.test(text)) return undefined
  const compact = text.replace(/[\s\-().]/g, '')
  if (!/^\+?\d+$/.test(compact)) return undefined
  let international: string | undefined
  if (compact.startsWith('+')) international = compact.slice(1)
  else if (compact.startsWith('00')) international = compact.slice(2)
  if (international !== undefined) {
    if (international.startsWith('86')) return chinese(international.slice(2))
    return /^[1-9]\d{6,14}$/.test(international) ? `+${international}` : undefined
  }
  if (/^861[3-9]\d{9}$/.test(compact)) return `+${compact}`
  if (compact.startsWith('0')) return chinese(compact)
  if (CN_MOBILE.test(compact) || CN_SERVICE.test(compact)) return `+86${compact}`
  return undefined
}

export const phoneField: FieldTypeModule = {
  type: 'phone',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'text',
  column: () => 'text',
  jsonSchema: () => ({ type: 'string', maxLength: 40 }),
  storedSchema: () => ({ type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' }),
  normalize: (value) => {
    const phone = normalizePhone(value as string)
    return phone ? ok(phone) : fail('field.invalid_phone')
  },
  invalidCode: 'field.invalid_phone',
  validateConfig: () => [],
}
