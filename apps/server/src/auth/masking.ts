import { compileCondition, fieldOfName, readNames } from '@trellis/rule-engine'

/**
 * Masks personal data for roles that may know a record exists but not its contact details:
 * `+8613800138000` → `138****8000`, `wang@example.com` → `w***@example.com`, other text → `王**`.
 */
export function maskValue(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined || value === '') return value
  if (Array.isArray(value)) return value.map(() => '***')
  const text = String(value)
  if (type === 'phone') {
    const digits = text.replace(/^\+86/, '').replace(/\D/g, '')
    if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`
    return '****'
  }
  if (type === 'email') {
    const at = text.indexOf('@')
    return at > 0 ? `${text[0]}***${text.slice(at)}` : '***'
  }
  const chars = [...text]
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 6))}`
}

/** A `maskedWhen` condition, compiled once per role, with the fields it reads. */
export interface ConditionalMask {
  /** True when the field is to be masked on this record (also when the condition's fields are absent). */
  applies(record: Record<string, unknown>, user: Record<string, unknown>): boolean
}

const compiled = new WeakMap<object, ReadonlyMap<string, ConditionalMask>>()

export function conditionalMasks(
  maskedWhen: Record<string, unknown> | undefined,
): ReadonlyMap<string, ConditionalMask> {
  if (!maskedWhen) return new Map()
  const cached = compiled.get(maskedWhen)
  if (cached) return cached
  const masks = new Map<string, ConditionalMask>()
  for (const [field, condition] of Object.entries(maskedWhen)) {
    const test = compileCondition(condition)
    // `$user.*` comes from the viewer, not the record.
    const reads = [
      ...new Set(
        [...readNames(condition)]
          .filter((name) => name !== '' && !name.startsWith('$user.'))
          .map(fieldOfName),
      ),
    ]
    masks.set(field, {
      applies(record, user) {
        // Fail closed: a record without the values the condition reads is masked.
        if (reads.some((name) => !(name in record))) return true
        const value = test(record, { user })
        return Array.isArray(value) ? value.length > 0 : Boolean(value)
      },
    })
  }
  compiled.set(maskedWhen, masks)
  return masks
}
