import { sql, type Expression } from 'kysely'
import type { ConditionFieldType } from '../types.js'
import type { JsKind } from './js-coerce.js'
import type { BoolValue, TypedValue } from './sql-value.js'
import { textToNumber } from './text-to-number.js'

/** A non-constant operand of a comparison: a typed expression or a boolean result. */
export type Operand = TypedValue | BoolValue

/** The JavaScript type a non-null value of this SQL type has in a record. */
export function jsKindOf(operand: Operand): JsKind {
  if (operand.kind === 'bool') return 'boolean'
  return jsKindOfType(operand.type)
}

export function jsKindOfType(type: ConditionFieldType): JsKind {
  switch (type) {
    case 'number':
      return 'number'
    case 'text':
    case 'decimal':
    case 'date':
    case 'datetime':
      return 'string'
    case 'boolean':
      return 'boolean'
    case 'text_array':
    case 'json':
      return 'object'
  }
}

/** Boolean results are never NULL as JS values: NULL in their SQL stands for false. */
export function valueSql(operand: Operand): Expression<unknown> {
  return operand.kind === 'bool' ? sql`coalesce(${operand.sql}, false)` : operand.sql
}

/** Operand IS NULL (a boolean result never is). */
export function nullable(operand: Operand): boolean {
  return operand.kind === 'typed'
}

/**
 * ToNumber of a non-null operand, as double precision; SQL NULL stands for NaN. Only called for
 * types where that is meaningful (not arrays or json).
 */
export function numberOf(operand: Operand): Expression<number> {
  if (operand.kind === 'bool') return sql<number>`(case when ${operand.sql} then 1 else 0 end)`
  const x = operand.sql
  switch (operand.type) {
    case 'number':
      return x as Expression<number>
    case 'decimal':
      return sql<number>`cast(${x} as double precision)`
    case 'text':
      return textToNumber(x)
    case 'boolean':
      // NULL stays NULL: `null == 0` is false in JS, unlike `false == 0`.
      return sql<number>`(case when ${x} then 1 when not ${x} then 0 end)`
    case 'date':
    case 'datetime':
    case 'text_array':
    case 'json':
      // 'YYYY-MM-DD' and ISO strings are NaN for Number().
      return sql<number>`cast(null as double precision)`
  }
}

/** ToNumber with the relational rule null → 0. */
export function numberOrZero(operand: Operand): Expression<number> {
  if (operand.kind === 'bool') return numberOf(operand)
  if (operand.type === 'number') return sql<number>`coalesce(${operand.sql}, 0)`
  return sql<number>`(case when ${operand.sql} is null then 0 else ${numberOf(operand)} end)`
}

/** The exact string a string-typed value has in a JS record, for string ordering. */
export function stringOf(operand: TypedValue): Expression<string> {
  const x = operand.sql
  switch (operand.type) {
    case 'decimal':
      return sql<string>`cast(${x} as text)`
    case 'date':
      return sql<string>`to_char(${x}, 'YYYY-MM-DD')`
    case 'datetime':
      return sql<string>`to_char(${x} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    default:
      return x as Expression<string>
  }
}
