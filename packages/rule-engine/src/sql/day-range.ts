import { sql, type SqlBool } from 'kysely'
import {
  dateOfDayNumber,
  dayNumber,
  formatLocalDate,
  startOfLocalDay,
  type LocalDate,
} from '../time/zoned-time.js'
import { and, constBool, dateParam, timestampParam } from './fragments.js'
import { bool, type BoolValue, type TypedValue } from './sql-value.js'

/**
 * `days_since(x)` and `date_diff` in days against a constant day are `sign × (reference − day(x))`.
 * Compared with a constant, that is a range on x itself: `days_since(last_order) > 90` becomes
 * `last_order < <start of the local day 90 days ago>` — one index-friendly comparison instead of a
 * time zone conversion per row, with the same answer.
 */
export interface DayOffset {
  readonly source: TypedValue // a date or datetime field
  readonly reference: LocalDate
  readonly sign: 1 | -1
}

export type DayOp = '<' | '<=' | '>' | '>=' | '='

const FLIP: Record<DayOp, DayOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' }

export function dayRange(
  hint: DayOffset,
  op: DayOp,
  n: number,
  timeZone: string,
  path: string,
): BoolValue | undefined {
  if (!Number.isFinite(n) || Math.abs(n) > 1_000_000) return undefined
  // v = sign·k with k = reference − day(x); rewrite `v op n` as `k op' m`.
  const [kOp, m] = hint.sign === 1 ? [op, n] : [FLIP[op], -n]
  const ref = dayNumber(hint.reference)
  const day = (offset: number) => dateOfDayNumber(ref - offset)
  switch (kOp) {
    case '>':
      return atMost(hint.source, day(Math.floor(m) + 1), timeZone, path)
    case '>=':
      return atMost(hint.source, day(Math.ceil(m)), timeZone, path)
    case '<':
      return atLeast(hint.source, day(Math.ceil(m) - 1), timeZone, path)
    case '<=':
      return atLeast(hint.source, day(Math.floor(m)), timeZone, path)
    case '=':
      if (!Number.isInteger(m)) return constBool(false, path)
      return and(
        [atLeast(hint.source, day(m), timeZone, path), atMost(hint.source, day(m), timeZone, path)],
        path,
      )
  }
}

/** day(x) <= date */
function atMost(x: TypedValue, date: LocalDate, timeZone: string, path: string): BoolValue {
  if (x.type === 'date')
    return bool(sql<SqlBool>`(${x.sql} <= ${dateParam(formatLocalDate(date))})`, true, path)
  const next = startOfLocalDay(dateOfDayNumber(dayNumber(date) + 1), timeZone)
  return bool(sql<SqlBool>`(${x.sql} < ${timestampParam(new Date(next).toISOString())})`, true, path)
}

/** day(x) >= date */
function atLeast(x: TypedValue, date: LocalDate, timeZone: string, path: string): BoolValue {
  if (x.type === 'date')
    return bool(sql<SqlBool>`(${x.sql} >= ${dateParam(formatLocalDate(date))})`, true, path)
  const start = startOfLocalDay(date, timeZone)
  return bool(sql<SqlBool>`(${x.sql} >= ${timestampParam(new Date(start).toISOString())})`, true, path)
}
