import { sql, type Expression } from 'kysely'
import { ConditionError } from '../../errors.js'
import type { Env } from '../../js/env.js'
import type { LogicNode, OperatorNode } from '../../parse/nodes.js'
import { dateParam } from '../../sql/fragments.js'
import { typed, type SqlCompiler, type SqlValue } from '../../sql/sql-value.js'
import { localDateOf, readDateValue } from '../../time/date-value.js'
import { dayNumber, formatLocalDate, type LocalDate } from '../../time/zoned-time.js'
import { defineOperators } from '../operator.js'
import {
  checkUnitNode,
  constantArg,
  isPoison,
  localDay,
  localDaySql,
  readUnit,
  todayOf,
  type Unit,
} from './calendar.js'

/**
 * `{"date_diff": [from, to, unit]}`: whole units from `from` to `to` between their calendar days
 * in the condition's zone (so "days since the last purchase" counts midnights, not 24-hour
 * spans), truncated toward zero; negative when `to` is earlier. Units: days, weeks, months,
 * years. A month counts once the day of month is reached again (Jan 31 → Feb 29 is 0 months).
 * `{"days_since": [value]}` is date_diff from value to today.
 */

const DIFF_UNITS: readonly Unit[] = ['days', 'weeks', 'months', 'years']

function monthsBetween(a: LocalDate, b: LocalDate): number {
  let months = b.y * 12 + b.m - (a.y * 12 + a.m)
  if (months > 0 && b.d < a.d) months--
  else if (months < 0 && b.d > a.d) months++
  return months
}

export function diffDays(a: LocalDate, b: LocalDate, unit: Unit): number {
  switch (unit) {
    case 'weeks':
      return Math.trunc((dayNumber(b) - dayNumber(a)) / 7)
    case 'months':
      return monthsBetween(a, b)
    case 'years':
      return Math.trunc(monthsBetween(a, b) / 12)
    default:
      return dayNumber(b) - dayNumber(a)
  }
}

function dateDiffJs(from: unknown, to: unknown, unitValue: unknown, env: Env): number | null {
  const unit = unitValue === undefined ? 'days' : readUnit(unitValue, DIFF_UNITS)
  const a = localDay(from, env)
  const b = localDay(to, env)
  return a && b && unit ? diffDays(a, b, unit) : null
}

function monthsSql(a: Expression<string>, b: Expression<string>): Expression<number> {
  const raw = sql`((extract(year from ${b}) * 12 + extract(month from ${b})) - (extract(year from ${a}) * 12 + extract(month from ${a})))`
  return sql<number>`(${raw} + (case when ${raw} > 0 and extract(day from ${b}) < extract(day from ${a}) then -1 when ${raw} < 0 and extract(day from ${b}) > extract(day from ${a}) then 1 else 0 end))`
}

function diffSql(a: Expression<string>, b: Expression<string>, unit: Unit): Expression<number> {
  switch (unit) {
    case 'weeks':
      return sql<number>`cast(trunc((${b} - ${a}) / 7.0) as double precision)`
    case 'months':
      return sql<number>`cast(${monthsSql(a, b)} as double precision)`
    case 'years':
      return sql<number>`cast(trunc(${monthsSql(a, b)} / 12.0) as double precision)`
    default:
      return sql<number>`cast(${b} - ${a} as double precision)`
  }
}

function diffNodeSql(
  node: OperatorNode,
  fromNode: LogicNode,
  to: Expression<string> | null | SqlValue,
  unitNode: LogicNode | undefined,
  c: SqlCompiler,
): SqlValue {
  const unitArg = constantArg(unitNode, c, 'The unit')
  if ('kind' in unitArg) return unitArg
  const unit = unitArg.value === undefined ? 'days' : readUnit(unitArg.value, DIFF_UNITS)
  if (!unit) return c.fail('invalid_argument', `Unit must be one of ${DIFF_UNITS.join(', ')}`, unitNode!.path)
  const from = localDaySql(fromNode, c)
  if (isPoison(from)) return from
  if (isPoison(to)) return to
  if (from === null || to === null) return typed('number', sql`cast(null as double precision)`, node.path)
  return typed('number', diffSql(from, to as Expression<string>, unit), node.path)
}

/** Marks a day count against a constant day, for range rewrites (see sql/day-range.ts). */
function withDayOffset(
  result: SqlValue,
  source: SqlValue,
  reference: LocalDate | undefined,
  sign: 1 | -1,
): SqlValue {
  if (result.kind !== 'typed' || source.kind !== 'typed' || !reference) return result
  if (source.type !== 'date' && source.type !== 'datetime') return result
  return { ...result, dayOffset: { source, reference, sign } }
}

function constantDay(value: SqlValue, c: SqlCompiler): LocalDate | undefined {
  if (value.kind !== 'const') return undefined
  const read = readDateValue(value.value, c.timeZone)
  return read ? localDateOf(read, c.timeZone) : undefined
}

const unitCheck = (node: LogicNode | undefined) =>
  checkUnitNode(node, DIFF_UNITS, (message, path) => {
    throw new ConditionError('invalid_argument', message, path)
  })

export const dateDiffOperators = defineOperators(
  {
    name: 'date_diff',
    impure: true,
    arity: { min: 2, max: 3 },
    js([from, to, unit], node) {
      unitCheck(node.args[2])
      return (d, e) => dateDiffJs(from!(d, e), to!(d, e), unit ? unit(d, e) : undefined, e)
    },
    sql(node, c) {
      const to = localDaySql(node.args[1]!, c)
      const result = diffNodeSql(node, node.args[0]!, to, node.args[2], c)
      const unit = node.args[2]
      if (unit && !(unit.kind === 'literal' && readUnit(unit.value, DIFF_UNITS) === 'days')) return result
      const from = c.value(node.args[0]!)
      const until = c.value(node.args[1]!)
      if (from.kind === 'typed') return withDayOffset(result, from, constantDay(until, c), 1)
      return withDayOffset(result, until, constantDay(from, c), -1)
    },
  },
  {
    name: 'days_since',
    impure: true,
    arity: { min: 1, max: 1 },
    js([value]) {
      return (d, e) => {
        const a = localDay(value!(d, e), e)
        return a ? dayNumber(todayOf(e)) - dayNumber(a) : null
      }
    },
    sql(node, c) {
      const today = dateParam(formatLocalDate(c.today))
      const result = diffNodeSql(node, node.args[0]!, today, undefined, c)
      return withDayOffset(result, c.value(node.args[0]!), c.today, 1)
    },
  },
)
