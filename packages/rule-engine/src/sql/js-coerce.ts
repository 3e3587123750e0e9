/** JavaScript's coercions, applied at compile time to constants (so SQL gets the exact result). */

/** ToPrimitive as `==` and `<` apply it to JSON data: arrays join, objects become '[object Object]'. */
export function toPrimitive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  return String(value)
}

/** Number(value) after ToPrimitive, with null → 0 (the relational operators' rule). */
export function toNumber(value: unknown): number {
  return Number(toPrimitive(value))
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A 'YYYY-MM-DD' string naming a real calendar day: the form date columns take in JS records. */
export function isCanonicalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = DATE.exec(value)
  if (!m) return false
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return new Date(time).toISOString().slice(0, 10) === value && Number(m[1]) >= 1
}

/** Exactly Date#toISOString output: the form datetime values take in JS records. */
export function isCanonicalIso(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 24) return false
  const time = Date.parse(value)
  return !Number.isNaN(time) && new Date(time).toISOString() === value
}

export type JsKind = 'number' | 'string' | 'boolean' | 'object'
