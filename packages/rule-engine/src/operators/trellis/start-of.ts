import { sql } from 'kysely'
import { ConditionError } from '../../errors.js'
import { nowMs, type Env } from '../../js/env.js'
import { textParam } from '../../sql/fragments.js'
import { typed } from '../../sql/sql-value.js'
import { readDateValue, localDateOf } from '../../time/date-value.js'
import {
  dateOfDayNumber,
  dayNumber,
  DAY,
  formatLocalDate,
  instantOfWall,
  type LocalDate,
} from '../../time/zoned-time.js'
import { defineOperators } from '../operator.js'
import { checkUnitNode, constantArg, readUnit, todayOf, type Unit } from './calendar.js'

/**
 * `{"start_of": [value, "day"|"week"|"month"|"year"]}`: the instant (ISO string) the local
 * day/week (Monday)/month/year containing `value` begins, in the condition's zone
 * (Asia/Shanghai unless set). `{"now": []}` is the evaluation instant (ISO string) and
 * `{"today": []}` its local date ('YYYY-MM-DD').
 */

const START_UNITS: readonly Unit[] = ['days', 'weeks', 'months', 'years']

function truncate(date: LocalDate, unit: Unit): LocalDate {
  switch (unit) {
    case 'weeks': {
      const day = dayNumber(date)
      // 1970-01-01 was a Thursday: (day + 3) mod 7 is days since Monday.
      return dateOfDayNumber(day - ((((day + 3) % 7) + 7) % 7))
    }
    case 'months':
      return { y: date.y, m: date.m, d: 1 }
    case 'years':
      return { y: date.y, m: 1, d: 1 }
    default:
      return date
  }
}

export function startOf(value: unknown, unitValue: unknown, env: Env): string | null {
  const read = readDateValue(value, env.timeZone)
  const unit = readUnit(unitValue, START_UNITS)
  if (!read || !unit) return null
  const start = truncate(localDateOf(read, env.timeZone), unit)
  return new Date(instantOfWall(dayNumber(start) * DAY, env.timeZone)).toISOString()
}

const PG_FIELD: Partial<Record<Unit, string>> = { days: 'day', weeks: 'week', months: 'month', years: 'year' }

export const startOfOperators = defineOperators(
  {
    name: 'start_of',
    impure: true,
    arity: { min: 2, max: 2 },
    js([value, unit], node) {
      checkUnitNode(node.args[1], START_UNITS, (message, path) => {
        throw new ConditionError('invalid_argument', message, path)
      })
      return (d, e) => startOf(value!(d, e), unit!(d, e), e)
    },
    sql(node, c) {
      const x = c.value(node.args[0]!)
      const unitArg = constantArg(node.args[1], c, 'The unit')
      if (x.kind === 'poison') return x
      if ('kind' in unitArg) return unitArg
      const unit = readUnit(unitArg.value, START_UNITS)
      if (!unit)
        return c.fail('invalid_argument', `Unit must be one of ${START_UNITS.join(', ')}`, node.args[1]!.path)
      const field = textParam(PG_FIELD[unit]!)
      if (x.kind === 'typed' && x.type === 'datetime') {
        return typed('datetime', sql`date_trunc(${field}, ${x.sql}, ${c.timeZone})`, node.path)
      }
      if (x.kind === 'typed' && x.type === 'date') {
        return typed(
          'datetime',
          sql`(date_trunc(${field}, cast(${x.sql} as timestamp)) at time zone ${c.timeZone})`,
          node.path,
        )
      }
      return c.fail('type_mismatch', 'start_of needs a date or datetime field', node.args[0]!.path)
    },
  },
  {
    name: 'now',
    impure: true,
    arity: { min: 0, max: 0 },
    js: () => (_d, e) => new Date(nowMs(e)).toISOString(),
  },
  {
    name: 'today',
    impure: true,
    arity: { min: 0, max: 0 },
    js: () => (_d, e) => formatLocalDate(todayOf(e)),
  },
)
