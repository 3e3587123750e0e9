import { sql, type Expression, type SqlBool } from 'kysely'
import type { Env } from '../../js/env.js'
import type { OperatorNode } from '../../parse/nodes.js'
import { dateParam, intParam } from '../../sql/fragments.js'
import { bool, typed, type SqlCompiler, type SqlValue } from '../../sql/sql-value.js'
import { dayNumber, formatLocalDate, isLeapYear, type LocalDate } from '../../time/zoned-time.js'
import { defineOperators } from '../operator.js'
import { constantArg, isPoison, localDay, localDaySql, todayOf } from './calendar.js'

/**
 * Birthdays and anniversaries, on calendar days in the condition's zone.
 * - `{"is_anniversary": [date, on?]}`: same month and day as `on` (default today).
 * - `{"days_until_anniversary": [date, on?]}`: 0 on the day, else days to the next one.
 * - `{"day_of_year": [date]}`: 1-366.
 * A 29 February date has its anniversary on 28 February in non-leap years (the last day of
 * February, the usual legal and retail reading), never on 1 March.
 */

function anniversaryIn(year: number, date: LocalDate): LocalDate {
  const d = date.m === 2 && date.d === 29 && !isLeapYear(year) ? 28 : date.d
  return { y: year, m: date.m, d }
}

export function daysUntilAnniversary(date: LocalDate, on: LocalDate): number {
  let next = anniversaryIn(on.y, date)
  if (dayNumber(next) < dayNumber(on)) next = anniversaryIn(on.y + 1, date)
  return dayNumber(next) - dayNumber(on)
}

function referenceDay(
  args: readonly ((d: unknown, e: Env) => unknown)[],
  d: unknown,
  e: Env,
): LocalDate | undefined {
  return args[1] ? localDay(args[1](d, e), e) : todayOf(e)
}

/** The reference day must be known at compile time in SQL (today, or a constant date). */
function referenceSql(node: OperatorNode, c: SqlCompiler): LocalDate | null | SqlValue {
  const arg = constantArg(node.args[1], c, 'The reference day')
  if ('kind' in arg) return arg
  if (arg.value === undefined) return c.today
  const read = localDay(arg.value, {
    context: undefined,
    timeZone: c.timeZone,
    clock: undefined,
    nowMs: c.nowMs,
  })
  return read ?? null
}

/** make_date for the anniversary of `date` (a SQL date) in the constant `year`. */
function anniversarySql(date: Expression<string>, year: number): Expression<string> {
  const month = sql`cast(extract(month from ${date}) as integer)`
  const day = sql`cast(extract(day from ${date}) as integer)`
  const clampedDay = isLeapYear(year)
    ? day
    : sql`(case when ${month} = 2 and ${day} = 29 then 28 else ${day} end)`
  return sql<string>`make_date(${intParam(year)}, ${month}, ${clampedDay})`
}

function daysUntilSql(date: Expression<string>, on: LocalDate): Expression<number> {
  const onSql = dateParam(formatLocalDate(on))
  const thisYear = anniversarySql(date, on.y)
  const nextYear = anniversarySql(date, on.y + 1)
  return sql<number>`cast(case when ${thisYear} >= ${onSql} then ${thisYear} - ${onSql} else ${nextYear} - ${onSql} end as double precision)`
}

export const anniversaryOperators = defineOperators(
  {
    name: 'days_until_anniversary',
    impure: true,
    arity: { min: 1, max: 2 },
    js(args) {
      return (d, e) => {
        const date = localDay(args[0]!(d, e), e)
        const on = referenceDay(args, d, e)
        return date && on ? daysUntilAnniversary(date, on) : null
      }
    },
    sql(node, c) {
      const date = localDaySql(node.args[0]!, c)
      const on = referenceSql(node, c)
      if (isPoison(date)) return date
      if (on !== null && 'kind' in on) return on
      if (date === null || on === null) return typed('number', sql`cast(null as double precision)`, node.path)
      return typed('number', daysUntilSql(date, on), node.path)
    },
  },
  {
    name: 'is_anniversary',
    impure: true,
    arity: { min: 1, max: 2 },
    js(args) {
      return (d, e) => {
        const date = localDay(args[0]!(d, e), e)
        const on = referenceDay(args, d, e)
        return date && on ? daysUntilAnniversary(date, on) === 0 : false
      }
    },
    sql(node, c) {
      const date = localDaySql(node.args[0]!, c)
      const on = referenceSql(node, c)
      if (isPoison(date)) return date
      if (on !== null && 'kind' in on) return on
      if (date === null || on === null) return bool(sql<SqlBool>`false`, false, node.path)
      return bool(
        sql<SqlBool>`(${anniversarySql(date, on.y)} = ${dateParam(formatLocalDate(on))})`,
        true,
        node.path,
      )
    },
  },
  {
    name: 'day_of_year',
    impure: true,
    arity: { min: 1, max: 1 },
    js([value]) {
      return (d, e) => {
        const date = localDay(value!(d, e), e)
        return date ? dayNumber(date) - dayNumber({ y: date.y, m: 1, d: 1 }) + 1 : null
      }
    },
    sql(node, c) {
      const date = localDaySql(node.args[0]!, c)
      if (isPoison(date)) return date
      if (date === null) return typed('number', sql`cast(null as double precision)`, node.path)
      return typed('number', sql`cast(extract(doy from ${date}) as double precision)`, node.path)
    },
  },
)
