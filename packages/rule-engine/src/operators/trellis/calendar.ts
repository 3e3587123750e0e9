import { sql, type Expression } from 'kysely'
import type { Env } from '../../js/env.js'
import { nowMs } from '../../js/env.js'
import type { LogicNode } from '../../parse/nodes.js'
import { dateParam } from '../../sql/fragments.js'
import type { PoisonValue, SqlCompiler } from '../../sql/sql-value.js'
import { localDateOf, readDateValue } from '../../time/date-value.js'
import { formatLocalDate, localDateOfInstant, type LocalDate } from '../../time/zoned-time.js'

/** Shared pieces of the calendar operators: units, "today", and a value's local day in SQL. */

export type Unit = 'years' | 'months' | 'weeks' | 'days' | 'hours' | 'minutes' | 'seconds'

const UNITS: Record<string, Unit> = {
  year: 'years',
  years: 'years',
  month: 'months',
  months: 'months',
  week: 'weeks',
  weeks: 'weeks',
  day: 'days',
  days: 'days',
  hour: 'hours',
  hours: 'hours',
  minute: 'minutes',
  minutes: 'minutes',
  second: 'seconds',
  seconds: 'seconds',
}

export function readUnit(value: unknown, allowed: readonly Unit[]): Unit | undefined {
  const unit = typeof value === 'string' ? UNITS[value] : undefined
  return unit && allowed.includes(unit) ? unit : undefined
}

export const UNIT_MS: Partial<Record<Unit, number>> = { hours: 3_600_000, minutes: 60_000, seconds: 1000 }

export function todayOf(env: Env): LocalDate {
  return localDateOfInstant(nowMs(env), env.timeZone)
}

export function localDay(value: unknown, env: Env): LocalDate | undefined {
  const read = readDateValue(value, env.timeZone)
  return read ? localDateOf(read, env.timeZone) : undefined
}

/** A literal unit argument is checked at compile time, so a typo fails when the rule is saved. */
export function checkUnitNode(
  node: LogicNode | undefined,
  allowed: readonly Unit[],
  onError: (message: string, path: string) => never,
): void {
  if (node?.kind === 'literal' && readUnit(node.value, allowed) === undefined) {
    onError(`Unit must be one of ${allowed.join(', ')}; got ${JSON.stringify(node.value)}`, node.path)
  }
}

/** The calendar day of a SQL value in the compiler's zone, or `null` when it is a constant non-date. */
export function localDaySql(node: LogicNode, c: SqlCompiler): Expression<string> | null | PoisonValue {
  const value = c.value(node)
  switch (value.kind) {
    case 'poison':
      return value
    case 'const': {
      const read = readDateValue(value.value, c.timeZone)
      return read ? dateParam(formatLocalDate(localDateOf(read, c.timeZone))) : null
    }
    case 'typed':
      if (value.type === 'date') return value.sql as Expression<string>
      if (value.type === 'datetime') return sql<string>`cast(${value.sql} at time zone ${c.timeZone} as date)`
      return c.fail(
        'type_mismatch',
        `A date or datetime is needed here, not a ${value.type} value`,
        node.path,
      )
    case 'bool':
      return c.fail('type_mismatch', 'A date or datetime is needed here, not a boolean', node.path)
  }
}

export function isPoison(value: unknown): value is PoisonValue {
  return typeof value === 'object' && value !== null && (value as { kind?: string }).kind === 'poison'
}

/** A constant argument the SQL form needs at compile time (amounts, units, reference days). */
export function constantArg(
  node: LogicNode | undefined,
  c: SqlCompiler,
  what: string,
): { value: unknown } | PoisonValue {
  if (!node) return { value: undefined }
  const value = c.value(node)
  if (value.kind === 'poison') return value
  if (value.kind !== 'const')
    return c.fail('unsupported_in_sql', `${what} must be a constant in SQL`, node.path)
  return { value: value.value }
}
