import type { DateBucket } from './types.js'

const formatters = new Map<string, Intl.DateTimeFormat>()

function offsetAt(ms: number, timeZone: string): number {
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
    })
    formatters.set(timeZone, f)
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]))
  const wall = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  )
  return wall - Math.floor(ms / 1000) * 1000
}

/** The instant a local calendar day starts in `timeZone` (as PostgreSQL's `AT TIME ZONE` reads it). */
export function localMidnight(date: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number)
  const wall = Date.UTC(y!, m! - 1, d!)
  let t = wall - offsetAt(wall, timeZone)
  t = wall - offsetAt(t, timeZone)
  return new Date(t).toISOString()
}

/** The start date of the bucket after the one starting on `start`. */
export function nextBucket(start: string, bucket: DateBucket): string {
  const [y, m, d] = start.split('-').map(Number)
  const date = new Date(Date.UTC(y!, m! - 1, d!))
  switch (bucket) {
    case 'day':
      date.setUTCDate(date.getUTCDate() + 1)
      break
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7)
      break
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + 1)
      break
    case 'quarter':
      date.setUTCMonth(date.getUTCMonth() + 3)
      break
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + 1)
      break
  }
  return date.toISOString().slice(0, 10)
}
