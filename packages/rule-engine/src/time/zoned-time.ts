/**
 * Wall-clock conversions in an IANA time zone with Intl only (no date library), matching
 * PostgreSQL's `AT TIME ZONE` rules so JS and SQL agree around DST changes.
 */

export interface LocalDate {
  readonly y: number
  readonly m: number // 1-12
  readonly d: number
}

const MINUTE = 60_000
const DAY = 86_400_000

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Throws a RangeError for an unknown zone; callers turn it into a ConditionError. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone)
}

// Offsets only change on quarter-hour boundaries since 1972, so a quarter-hour bucket caches safely.
const QUARTER = 15 * MINUTE
const CACHE_FROM = Date.UTC(1972, 0, 1)
const offsetCache = new Map<string, Map<number, number>>()

/** UTC offset (ms) of `timeZone` at instant `ms`. */
export function offsetAt(ms: number, timeZone: string): number {
  const cacheable = ms >= CACHE_FROM
  const bucket = Math.floor(ms / QUARTER)
  let zoneCache = offsetCache.get(timeZone)
  if (cacheable && zoneCache) {
    const hit = zoneCache.get(bucket)
    if (hit !== undefined) return hit
  }
  const parts = formatter(timeZone).formatToParts(new Date(ms))
  let y = 0
  let mo = 1
  let d = 1
  let h = 0
  let mi = 0
  let s = 0
  let bc = false
  for (const part of parts) {
    switch (part.type) {
      case 'year':
        y = Number(part.value)
        break
      case 'month':
        mo = Number(part.value)
        break
      case 'day':
        d = Number(part.value)
        break
      case 'hour':
        h = Number(part.value)
        break
      case 'minute':
        mi = Number(part.value)
        break
      case 'second':
        s = Number(part.value)
        break
      case 'era':
        bc = part.value === 'BC' || part.value === 'B'
        break
    }
  }
  const wall = utcMs(bc ? 1 - y : y, mo, d, h, mi, s)
  const offset = wall - (ms - (((ms % 1000) + 1000) % 1000))
  if (cacheable) {
    if (!zoneCache) offsetCache.set(timeZone, (zoneCache = new Map()))
    if (zoneCache.size > 50_000) zoneCache.clear()
    zoneCache.set(bucket, offset)
  }
  return offset
}

/** Date.UTC without the 0-99 → 1900s surprise. */
export function utcMs(y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(0)
  date.setUTCFullYear(y, m - 1, d)
  date.setUTCHours(h, mi, s, ms)
  return date.getTime()
}

/** Wall clock (as if UTC) of instant `ms` in `timeZone`. */
export function wallMs(ms: number, timeZone: string): number {
  return ms + offsetAt(ms, timeZone)
}

export function localDateOfInstant(ms: number, timeZone: string): LocalDate {
  return dateOfDayNumber(Math.floor(wallMs(ms, timeZone) / DAY))
}

/**
 * The instant of a wall-clock time, PostgreSQL's way: a time skipped by a spring-forward gap
 * uses the offset before the change; a repeated time uses the offset after it.
 */
export function instantOfWall(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY / 2, timeZone)
  const after = offsetAt(wall + DAY / 2, timeZone)
  const candidates = before === after ? [before] : [after, before]
  for (const offset of candidates) {
    const instant = wall - offset
    if (offsetAt(instant, timeZone) === offset) return instant
  }
  return wall - before
}

/** Days since 1970-01-01 (UTC calendar). */
export function dayNumber(date: LocalDate): number {
  return Math.round(utcMs(date.y, date.m, date.d) / DAY)
}

export function dateOfDayNumber(day: number): LocalDate {
  const date = new Date(day * DAY)
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() }
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
}

export function formatLocalDate(date: LocalDate): string {
  const y = date.y < 0 ? `-${String(-date.y).padStart(6, '0')}` : String(date.y).padStart(4, '0')
  return `${y}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`
}

export { DAY, MINUTE }

/** The first instant whose calendar day in `timeZone` is `date` (PostgreSQL agrees through DST). */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const wall = dayNumber(date) * DAY
  const target = dayNumber(date)
  let first = Infinity
  for (const offset of [offsetAt(wall - DAY / 2, timeZone), offsetAt(wall + DAY / 2, timeZone)]) {
    const instant = wall - offset
    if (Math.floor(wallMs(instant, timeZone) / DAY) === target && instant < first) first = instant
  }
  return first === Infinity ? instantOfWall(wall, timeZone) : first
}
