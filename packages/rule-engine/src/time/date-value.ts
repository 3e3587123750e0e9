import { instantOfWall, localDateOfInstant, utcMs, type LocalDate } from './zoned-time.js'

/**
 * How the calendar operators read a value: a 'YYYY-MM-DD' string is a calendar day; an ISO
 * date-time (with an offset, or without one = wall time in the condition's zone), a Date or
 * epoch milliseconds is an instant. Anything else (null, garbage) makes the operator yield null.
 * Implementation-defined Date.parse formats are not accepted, so every runtime reads alike.
 */
export type DateValue = { kind: 'date'; date: LocalDate } | { kind: 'instant'; ms: number }

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const date = new Date(utcMs(y, m, d))
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

export function readDateValue(value: unknown, timeZone: string): DateValue | undefined {
  if (value instanceof Date) {
    const ms = value.getTime()
    return Number.isNaN(ms) ? undefined : { kind: 'instant', ms }
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'instant', ms: value } : undefined
  if (typeof value !== 'string') return undefined
  let m = DATE.exec(value)
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
    return validDate(y, mo, d) ? { kind: 'date', date: { y, m: mo, d } } : undefined
  }
  m = DATE_TIME.exec(value)
  if (!m) return undefined
  const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]
  const s = m[6] ? Number(m[6]) : 0
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6) : 0
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined
  const wall = utcMs(y, mo, d, h, mi, s, ms)
  const zone = m[8]
  if (!zone) return { kind: 'instant', ms: instantOfWall(wall, timeZone) }
  if (zone === 'Z' || zone === 'z') return { kind: 'instant', ms: wall }
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000
  return { kind: 'instant', ms: wall - sign * offset }
}

/** The calendar day of a value in `timeZone` (a date is its own day). */
export function localDateOf(value: DateValue, timeZone: string): LocalDate {
  return value.kind === 'date' ? value.date : localDateOfInstant(value.ms, timeZone)
}
