// ISO 8601 durations (`P7D`, `PT4H30M`, `-P3D`, `P1Y2M`), added with calendar arithmetic in UTC:
// years and months move the calendar (Jan 31 + P1M = the last day of February), days are calendar
// days, and the time part is exact milliseconds. China keeps no daylight saving, so UTC calendar days
// equal Asia/Shanghai ones.

export interface Duration {
  sign: 1 | -1
  years: number
  months: number
  weeks: number
  days: number
  hours: number
  minutes: number
  seconds: number
}

const PATTERN =
  /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/

/** Parses a duration, or returns `null` when the text is not one (an empty `P` or `PT` is not). */
export function parseDuration(text: string): Duration | null {
  const match = PATTERN.exec(text.trim())
  if (!match) return null
  const [, sign, y, mo, w, d, h, mi, s] = match
  if ([y, mo, w, d, h, mi, s].every((part) => part === undefined)) return null
  if (text.includes('T') && [h, mi, s].every((part) => part === undefined)) return null
  const num = (part: string | undefined) => (part === undefined ? 0 : Number(part.replace(',', '.')))
  return {
    sign: sign === '-' ? -1 : 1,
    years: num(y),
    months: num(mo),
    weeks: num(w),
    days: num(d),
    hours: num(h),
    minutes: num(mi),
    seconds: num(s),
  }
}

/** Adds `duration` to the instant `epochMs`. */
export function addDuration(epochMs: number, duration: Duration): number {
  const date = new Date(epochMs)
  const k = duration.sign
  const monthTotal = date.getUTCMonth() + k * (duration.years * 12 + duration.months)
  const day = date.getUTCDate()
  // Clamp to the target month's length instead of overflowing into the next month.
  date.setUTCDate(1)
  date.setUTCFullYear(date.getUTCFullYear() + Math.floor(monthTotal / 12), ((monthTotal % 12) + 12) % 12)
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate()
  date.setUTCDate(Math.min(day, lastDay))
  date.setUTCDate(date.getUTCDate() + k * (duration.weeks * 7 + duration.days))
  const timeMs = ((duration.hours * 60 + duration.minutes) * 60 + duration.seconds) * 1000
  return date.getTime() + k * Math.round(timeMs)
}
