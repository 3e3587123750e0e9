import { sql, type Expression } from 'kysely'
import type { Env } from '../../js/env.js'
import { ConditionError } from '../../errors.js'
import { intParam, numberParam } from '../../sql/fragments.js'
import { typed, type SqlValue } from '../../sql/sql-value.js'
import { readDateValue } from '../../time/date-value.js'
import {
  dateOfDayNumber,
  dayNumber,
  daysInMonth,
  DAY,
  formatLocalDate,
  instantOfWall,
  utcMs,
  wallMs,
  type LocalDate,
} from '../../time/zoned-time.js'
import { defineOperators } from '../operator.js'
import { checkUnitNode, constantArg, readUnit, UNIT_MS, type Unit } from './calendar.js'

/**
 * `{"date_add": [value, amount, unit]}`. A date plus days/weeks/months/years is a date
 * ('YYYY-MM-DD'); anything else is an instant (ISO string). Calendar units move the wall clock
 * in the condition's zone (the same time next month, clamped to the month's end: Jan 31 + 1
 * month = Feb 28/29, as PostgreSQL); hours/minutes/seconds are exact durations.
 */

const ALL_UNITS: readonly Unit[] = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds']

function addToDate(date: LocalDate, amount: number, unit: Unit): LocalDate {
  if (unit === 'days' || unit === 'weeks')
    return dateOfDayNumber(dayNumber(date) + amount * (unit === 'weeks' ? 7 : 1))
  const months = date.y * 12 + (date.m - 1) + amount * (unit === 'years' ? 12 : 1)
  const y = Math.floor(months / 12)
  const m = months - y * 12 + 1
  return { y, m, d: Math.min(date.d, daysInMonth(y, m)) }
}

export function dateAdd(value: unknown, amountValue: unknown, unitValue: unknown, env: Env): string | null {
  const read = readDateValue(value, env.timeZone)
  const unit = readUnit(unitValue, ALL_UNITS)
  if (!read || !unit || amountValue === null || typeof amountValue === 'object') return null
  const amount = Math.trunc(Number(amountValue))
  if (!Number.isFinite(amount)) return null
  const exact = UNIT_MS[unit]
  if (read.kind === 'date') {
    if (exact === undefined) return formatLocalDate(addToDate(read.date, amount, unit))
    const midnight = instantOfWall(utcMs(read.date.y, read.date.m, read.date.d), env.timeZone)
    return new Date(midnight + amount * exact).toISOString()
  }
  if (exact !== undefined) return new Date(read.ms + amount * exact).toISOString()
  const wall = wallMs(read.ms, env.timeZone)
  const day = Math.floor(wall / DAY)
  const moved = addToDate(dateOfDayNumber(day), amount, unit)
  const movedWall = dayNumber(moved) * DAY + (wall - day * DAY)
  return new Date(instantOfWall(movedWall, env.timeZone)).toISOString()
}

function interval(amount: number, unit: Unit): Expression<unknown> {
  switch (unit) {
    case 'years':
      return sql`make_interval(years => ${intParam(amount)})`
    case 'months':
      return sql`make_interval(months => ${intParam(amount)})`
    case 'weeks':
      return sql`make_interval(weeks => ${intParam(amount)})`
    case 'days':
      return sql`make_interval(days => ${intParam(amount)})`
    default:
      return sql`make_interval(secs => ${numberParam(amount * (UNIT_MS[unit]! / 1000))})`
  }
}

export const dateAddOperators = defineOperators({
  name: 'date_add',
  impure: true,
  arity: { min: 3, max: 3 },
  js([value, amount, unit], node) {
    checkUnitNode(node.args[2], ALL_UNITS, (message, path) => {
      throw new ConditionError('invalid_argument', message, path)
    })
    return (d, e) => dateAdd(value!(d, e), amount!(d, e), unit!(d, e), e)
  },
  sql(node, c): SqlValue {
    const x = c.value(node.args[0]!)
    const amountArg = constantArg(node.args[1], c, 'The amount')
    const unitArg = constantArg(node.args[2], c, 'The unit')
    if (x.kind === 'poison') return x
    if ('kind' in amountArg) return amountArg
    if ('kind' in unitArg) return unitArg
    const unit = readUnit(unitArg.value, ALL_UNITS)
    if (!unit)
      return c.fail('invalid_argument', `Unit must be one of ${ALL_UNITS.join(', ')}`, node.args[2]!.path)
    const raw = amountArg.value
    const amount = raw === null || typeof raw === 'object' ? NaN : Math.trunc(Number(raw))
    if (x.kind !== 'typed' || (x.type !== 'date' && x.type !== 'datetime')) {
      return c.fail('type_mismatch', 'date_add needs a date or datetime field', node.args[0]!.path)
    }
    const exact = UNIT_MS[unit] !== undefined
    const resultType = x.type === 'date' && !exact ? 'date' : 'datetime'
    if (!Number.isFinite(amount)) {
      return typed(
        resultType,
        sql`cast(null as ${sql.raw(resultType === 'date' ? 'date' : 'timestamptz')})`,
        node.path,
      )
    }
    const tz = c.timeZone
    if (x.type === 'date') {
      if (!exact) return typed('date', sql`cast(${x.sql} + ${interval(amount, unit)} as date)`, node.path)
      return typed(
        'datetime',
        sql`((cast(${x.sql} as timestamp) at time zone ${tz}) + ${interval(amount, unit)})`,
        node.path,
      )
    }
    if (exact) return typed('datetime', sql`(${x.sql} + ${interval(amount, unit)})`, node.path)
    return typed(
      'datetime',
      sql`(((${x.sql} at time zone ${tz}) + ${interval(amount, unit)}) at time zone ${tz})`,
      node.path,
    )
  },
})
