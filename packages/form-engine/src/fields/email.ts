import { fail, ok, type FieldTypeModule } from './field-type.js'

const LOCAL = /^[^\s@"(),:;<>[\]\\]{1,64}$/
const DOMAIN =
  /^(?=.{1,253}$)[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)+$/u

/** Trims and lower-cases the domain (domains are case-insensitive; local parts, strictly, are not). */
export function normalizeEmail(input: string): string | undefined {
  const text = input.trim()
  const at = text.lastIndexOf('@')
  if (at <= 0) return undefined
  const local = text.slice(0, at)
  const domain = text.slice(at + 1).toLowerCase()
  if (!LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..'))
    return undefined
  return DOMAIN.test(domain) ? `${local}@${domain}` : undefined
}

export const emailField: FieldTypeModule = {
  type: 'email',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'text',
  column: () => 'text',
  jsonSchema: () => ({ type: 'string', maxLength: 320 }),
  storedSchema: () => ({ type: 'string', format: 'email' }),
  normalize: (value) => {
    const email = normalizeEmail(value as string)
    return email ? ok(email) : fail('field.invalid_email')
  },
  invalidCode: 'field.invalid_email',
  validateConfig: () => [],
}
