import { readDateValue } from '../time/date-value.js'
import {
  DAY,
  dateOfDayNumber,
  dayNumber,
  formatLocalDate,
  instantOfWall,
  isLeapYear,
  localDateOfInstant,
  utcMs,
  wallMs,
  type LocalDate,
} from '../time/zoned-time.js'
import type { DateTrigger } from './types.js'

const HOUR = 3_600_000
export const defaultTimeOfDay = '09:00'

/** One firing of a date-relative rule for one record: `occurrence` is part of its idempotency key. */
export interface DateOccurrence {
  occurrence: string
  dueMs: number
}

function atMs(trigger: DateTrigger): number {
  const [h, m] = (trigger.at ?? defaultTimeOfDay).split(':').map(Number)
  return (h! * 60 + m!) * 60_000
}

function offsetMs(trigger: DateTrigger): number {
  return (trigger.amount ?? 0) * (trigger.unit === 'hours' ? HOUR : DAY)
}

/** Due instant of a calendar day: the day at `at` local time, shifted by the offset in wall time. */
function dueOfDay(trigger: DateTrigger, day: LocalDate, timeZone: string): number {
  return instantOfWall(utcMs(day.y, day.m, day.d) + atMs(trigger) + offsetMs(trigger), timeZone)
}

/**
 * Due instant for an instant anchor (a datetime): whole days move the wall clock (so "7 days after a
 * 10:00 purchase" is 10:00 a week later, whatever DST did), hours move the instant.
 */
function dueOfInstant(trigger: DateTrigger, ms: number, timeZone: string): number {
  if (trigger.unit === 'hours') return ms + offsetMs(trigger)
  return instantOfWall(wallMs(ms, timeZone) + offsetMs(trigger), timeZone)
}

/** The anniversary of `born` in `year`; 29 February falls on 28 February in common years. */
export function anniversaryIn(born: LocalDate, year: number): LocalDate {
  if (born.m === 2 && born.d === 29 && !isLeapYear(year)) return { y: year, m: 2, d: 28 }
  return { y: year, m: born.m, d: born.d }
}

/**
 * Occurrences of the trigger for one anchor value with `fromMs < due <= toMs`. A moved anchor (a new
 * last purchase) gives a new occurrence key, so the rule re-arms; an empty anchor gives none.
 */
export function dateOccurrencesBetween(
  trigger: DateTrigger,
  anchor: unknown,
  fromMs: number,
  toMs: number,
  timeZone: string,
): DateOccurrence[] {
  const value = readDateValue(anchor, timeZone)
  if (!value) return []
  if (!trigger.yearly) {
    const occurrence = value.kind === 'date' ? formatLocalDate(value.date) : new Date(value.ms).toISOString()
    const dueMs =
      value.kind === 'date'
        ? dueOfDay(trigger, value.date, timeZone)
        : dueOfInstant(trigger, value.ms, timeZone)
    return fromMs < dueMs && dueMs <= toMs ? [{ occurrence, dueMs }] : []
  }
  const born = value.kind === 'date' ? value.date : localDateOfInstant(value.ms, timeZone)
  const out: DateOccurrence[] = []
  const first = localDateOfInstant(fromMs, timeZone).y - 1
  const last = localDateOfInstant(toMs, timeZone).y + 1
  for (let year = Math.max(first, born.y); year <= last; year++) {
    const day = anniversaryIn(born, year)
    const dueMs = dueOfDay(trigger, day, timeZone)
    if (fromMs < dueMs && dueMs <= toMs) out.push({ occurrence: formatLocalDate(day), dueMs })
  }
  return out
}

/** The next firing strictly after `afterMs` (for showing "next due" and for planning). */
export function nextDateOccurrence(
  trigger: DateTrigger,
  anchor: unknown,
  afterMs: number,
  timeZone: string,
): DateOccurrence | undefined {
  const horizon = trigger.yearly ? 2 * 366 * DAY : 1e15
  return dateOccurrencesBetween(trigger, anchor, afterMs, afterMs + horizon, timeZone)[0]
}

/**
 * Which anchor values can be due in `(fromMs, toMs]`, as an index-friendly predicate for the scan:
 * a range of days or instants, or (yearly) the month-days of anniversaries. The range is a superset
 * (instants are widened by an hour for DST); callers re-check each row with `dateOccurrencesBetween`.
 */
export type AnchorWindow =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'days'; from: string; to: string }
  | { kind: 'instants'; from: string; to: string }
  | { kind: 'month_days'; days: string[] }

export function anchorWindow(
  trigger: DateTrigger,
  fromMs: number,
  toMs: number,
  timeZone: string,
  anchorKind: 'date' | 'instant',
): AnchorWindow {
  if (toMs <= fromMs) return { kind: 'none' }
  if (trigger.yearly) return anniversaryWindow(trigger, fromMs, toMs, timeZone)
  if (anchorKind === 'instant') {
    const slack = trigger.unit === 'hours' ? 0 : 2 * HOUR
    return {
      kind: 'instants',
      from: new Date(fromMs - offsetMs(trigger) - slack).toISOString(),
      to: new Date(toMs - offsetMs(trigger) + slack).toISOString(),
    }
  }
  // dueOfDay grows with the day, so the due days form one range: find its ends by stepping from a guess.
  const guess = (ms: number) =>
    dayNumber(localDateOfInstant(ms - atMs(trigger) - offsetMs(trigger), timeZone))
  const due = (n: number) => dueOfDay(trigger, dateOfDayNumber(n), timeZone)
  let lo = guess(fromMs) - 1
  while (due(lo) <= fromMs) lo++
  while (due(lo - 1) > fromMs) lo--
  let hi = guess(toMs) + 1
  while (due(hi) > toMs) hi--
  while (due(hi + 1) <= toMs) hi++
  if (lo > hi) return { kind: 'none' }
  return {
    kind: 'days',
    from: formatLocalDate(dateOfDayNumber(lo)),
    to: formatLocalDate(dateOfDayNumber(hi)),
  }
}

function anniversaryWindow(
  trigger: DateTrigger,
  fromMs: number,
  toMs: number,
  timeZone: string,
): AnchorWindow {
  if (toMs - fromMs > 360 * DAY) return { kind: 'all' }
  const shift = atMs(trigger) + offsetMs(trigger)
  const first = dayNumber(localDateOfInstant(fromMs - shift, timeZone)) - 1
  const last = dayNumber(localDateOfInstant(toMs - shift, timeZone)) + 1
  const days = new Set<string>()
  for (let n = first; n <= last; n++) {
    const day = dateOfDayNumber(n)
    const dueMs = dueOfDay(trigger, day, timeZone)
    if (!(fromMs < dueMs && dueMs <= toMs)) continue
    const md = `${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`
    days.add(md)
    // People born on 29 February celebrate on the 28th in common years.
    if (md === '02-28' && !isLeapYear(day.y)) days.add('02-29')
  }
  return days.size ? { kind: 'month_days', days: [...days].sort() } : { kind: 'none' }
}
