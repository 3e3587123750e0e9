import { fail, ok, type FieldTypeModule } from './field-type.js'

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-](\d{2}):(\d{2}))$/

/** True when year-month-day names a real calendar day (2023-02-29 does not). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const probe = new Date(Date.UTC(2000, month - 1, day))
  probe.setUTCFullYear(year)
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
}

export function parseDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const match = DATE.exec(value.trim())
  if (!match) return undefined
  return isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) ? match[0] : undefined
}

/** Parses ISO 8601 with an explicit offset; returns the instant in UTC (`…Z`, millisecond precision). */
export function parseDatetime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const match = DATETIME.exec(value.trim())
  if (!match) return undefined
  const [, year, month, day, hour, minute, second, , offsetHour, offsetMinute] = match
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined
  if (offsetHour !== undefined && (Number(offsetHour) > 23 || Number(offsetMinute) > 59)) return undefined
  const instant = new Date(value.trim().replace(' ', 'T'))
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString()
}

export const dateField: FieldTypeModule = {
  type: 'date',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'date',
  column: () => 'date',
  jsonSchema: () => ({ type: 'string', format: 'date' }),
  normalize: (value) => {
    const date = parseDate(value)
    return date ? ok(date) : fail('field.invalid_date')
  },
  invalidCode: 'field.invalid_date',
  validateConfig: () => [],
}

export const datetimeField: FieldTypeModule = {
  type: 'datetime',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'datetime',
  column: () => 'timestamptz',
  // No `format` here: ajv-formats' date-time is stricter about separators than we need; normalize checks.
  jsonSchema: () => ({ type: 'string', maxLength: 40 }),
  storedSchema: () => ({ type: 'string', format: 'date-time' }),
  normalize: (value) => {
    const instant = parseDatetime(value)
    return instant ? ok(instant) : fail('field.invalid_datetime')
  },
  invalidCode: 'field.invalid_datetime',
  validateConfig: () => [],
}
