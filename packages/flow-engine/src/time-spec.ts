// Turns a TimeSpec into the instant a timer is due. Pure: "now" is the event's time.
import { addDuration, parseDuration } from './duration'
import type { TimeSpec } from './types'

export type DueResult = { ok: true; dueAt: string } | { ok: false; code: string; message: string }

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const OFFSET = /^([+-])(\d{2}):(\d{2})$/
const CLOCK = /^(\d{2}):(\d{2})$/

export const DEFAULT_UTC_OFFSET = '+08:00'

function offsetMs(text: string): number | null {
  const match = OFFSET.exec(text)
  if (!match) return null
  const [, sign, h, m] = match
  return (sign === '-' ? -1 : 1) * (Number(h) * 60 + Number(m)) * 60_000
}

function clockMs(text: string): number | null {
  const match = CLOCK.exec(text)
  if (!match) return null
  const h = Number(match[1])
  const m = Number(match[2])
  return h < 24 && m < 60 ? (h * 60 + m) * 60_000 : null
}

/** Checks the static parts of a spec (durations, offsets, clock time); the expression is checked elsewhere. */
export function checkTimeSpec(spec: TimeSpec): string | null {
  switch (spec.kind) {
    case 'duration':
      return parseDuration(spec.duration) ? null : `"${spec.duration}" is not an ISO 8601 duration`
    case 'date':
      if (spec.offset !== undefined && !parseDuration(spec.offset))
        return `offset "${spec.offset}" is not an ISO 8601 duration`
      if (spec.utcOffset !== undefined && offsetMs(spec.utcOffset) === null)
        return `utcOffset "${spec.utcOffset}" is not like +08:00`
      if (spec.time !== undefined && clockMs(spec.time) === null)
        return `time "${spec.time}" is not like 09:00`
      return null
  }
}

interface LocalDate {
  year: number
  month: number
  day: number
  /** Milliseconds into the day, for values that carried a time. */
  timeMs: number | null
}

/** Reads a date value in the spec's zone: `YYYY-MM-DD`, a full ISO timestamp, or epoch milliseconds. */
function readDate(value: unknown, zoneMs: number): LocalDate | null {
  if (typeof value === 'string') {
    const match = DATE_ONLY.exec(value)
    if (match)
      return { year: Number(match[1]), month: Number(match[2]) - 1, day: Number(match[3]), timeMs: null }
  }
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const epoch = typeof value === 'number' ? value : Date.parse(value)
  if (!Number.isFinite(epoch)) return null
  const local = new Date(epoch + zoneMs)
  const timeMs = epoch + zoneMs - Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate())
  return { year: local.getUTCFullYear(), month: local.getUTCMonth(), day: local.getUTCDate(), timeMs }
}

function instant(year: number, month: number, day: number, timeMs: number, zoneMs: number): number {
  // Feb 29 anniversaries fall on Feb 28 in common years.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return Date.UTC(year, month, Math.min(day, lastDay)) + timeMs - zoneMs
}

/**
 * @param now the event time, ISO 8601
 * @param evaluate evaluates the date expression on the instance data (only for `kind: 'date'`)
 */
export function resolveDue(spec: TimeSpec, now: string, evaluate: (logic: unknown) => unknown): DueResult {
  const nowMs = Date.parse(now)
  if (!Number.isFinite(nowMs)) return { ok: false, code: 'bad_event_time', message: `"${now}" is not a date` }
  const problem = checkTimeSpec(spec)
  if (problem) return { ok: false, code: 'bad_time_spec', message: problem }
  switch (spec.kind) {
    case 'duration':
      return { ok: true, dueAt: new Date(addDuration(nowMs, parseDuration(spec.duration)!)).toISOString() }
    case 'date': {
      const zoneMs = offsetMs(spec.utcOffset ?? DEFAULT_UTC_OFFSET)!
      let value: unknown
      try {
        value = evaluate(spec.expression)
      } catch (error) {
        return { ok: false, code: 'bad_date', message: `date expression failed: ${String(error)}` }
      }
      const date = readDate(value, zoneMs)
      if (!date)
        return { ok: false, code: 'bad_date', message: `date expression gave ${JSON.stringify(value)}` }
      const timeMs = spec.time !== undefined ? clockMs(spec.time)! : (date.timeMs ?? 0)
      const offset = spec.offset ? parseDuration(spec.offset)! : null
      const at = (year: number) => {
        const base = instant(year, date.month, date.day, timeMs, zoneMs)
        return offset ? addDuration(base, offset) : base
      }
      if (!spec.yearly) return { ok: true, dueAt: new Date(at(date.year)).toISOString() }
      // The next anniversary whose (offset) moment is not yet past.
      const nowYear = new Date(nowMs + zoneMs).getUTCFullYear()
      for (let year = nowYear - 1; year <= nowYear + 2; year++) {
        const due = at(year)
        if (due >= nowMs) return { ok: true, dueAt: new Date(due).toISOString() }
      }
      return { ok: false, code: 'bad_date', message: 'no upcoming anniversary' }
    }
  }
}
