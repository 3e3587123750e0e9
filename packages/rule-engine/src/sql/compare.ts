import { sql, type Expression, type SqlBool } from 'kysely'
import { jsKindOf, nullable, numberOf, numberOrZero, stringOf, valueSql, type Operand } from './coerce-sql.js'
import {
  and,
  constBool,
  dateParam,
  isNotNullSql,
  isNullSql,
  not,
  numberParam,
  or,
  textParam,
  timestampParam,
  withNullCase,
} from './fragments.js'
import { isCanonicalDate, isCanonicalIso, toNumber, toPrimitive } from './js-coerce.js'
import { bool, type BoolValue, type SqlCompiler, type SqlValue } from './sql-value.js'
import { dayRange } from './day-range.js'
import { decimalCompare } from './decimal-compare.js'

/**
 * JsonLogic's comparisons in SQL, following JavaScript's `==`, `===` and `<` exactly for the
 * operand types of the SQL subset. Constants are coerced here at compile time (so the SQL gets
 * JavaScript's own answer); column-to-column comparisons coerce in SQL. Pairs whose JavaScript
 * meaning SQL cannot reproduce cheaply are refused with `type_mismatch`.
 */
export type RelationalOp = '<' | '<=' | '>' | '>='

const FLIP: Record<RelationalOp, RelationalOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' }

function jsRelational(op: RelationalOp, a: unknown, b: unknown): boolean {
  const x = a as number
  const y = b as number
  switch (op) {
    case '<':
      return x < y
    case '<=':
      return x <= y
    case '>':
      return x > y
    case '>=':
      return x >= y
  }
}

const opSql = (op: RelationalOp) => sql.raw(op)

function mismatch(c: SqlCompiler, path: string, what: string): SqlValue {
  return c.fail('type_mismatch', `Cannot compare ${what} in SQL with JsonLogic's meaning`, path)
}

function describe(v: SqlValue): string {
  if (v.kind === 'const') return Array.isArray(v.value) ? 'an array' : typeof v.value
  if (v.kind === 'bool') return 'a boolean result'
  if (v.kind === 'poison') return 'an invalid value'
  return `a ${v.type} value`
}

function refusesComparison(v: Operand): boolean {
  return v.kind === 'typed' && (v.type === 'text_array' || v.type === 'json')
}

// ---------- == ----------

export function looseEquals(a: SqlValue, b: SqlValue, path: string, c: SqlCompiler): SqlValue {
  if (a.kind === 'poison') return a
  if (b.kind === 'poison') return b
  if (a.kind === 'const' && b.kind === 'const') return constBool(a.value == b.value, path)
  if (a.kind === 'const') return looseEqualsConst(b as Operand, a.value, path, c)
  if (b.kind === 'const') return looseEqualsConst(a, b.value, path, c)
  if (refusesComparison(a) || refusesComparison(b))
    return mismatch(c, path, `${describe(a)} with ${describe(b)}`)
  const ka = jsKindOf(a)
  const kb = jsKindOf(b)
  if (ka === kb) {
    if (!sameStringType(a, b)) return mismatch(c, path, `${describe(a)} with ${describe(b)}`)
    return equalOrBothNull(a, b, path)
  }
  // Different JS types: null only equals null; otherwise both sides go through ToNumber.
  return or([bothNull(a, b, path), bool(sql<SqlBool>`(${numberOf(a)} = ${numberOf(b)})`, true, path)], path)
}

function sameStringType(a: Operand, b: Operand): boolean {
  if (jsKindOf(a) !== 'string') return true
  const ta = (a as { type: string }).type
  const tb = (b as { type: string }).type
  // Two decimals compare as strings in JS ('9.5' > '10.0'); refuse rather than surprise.
  return ta === tb && ta !== 'decimal'
}

function bothNull(a: Operand, b: Operand, path: string): BoolValue {
  if (!nullable(a) || !nullable(b)) return constBool(false, path)
  return and([isNullSql(valueSql(a), path), isNullSql(valueSql(b), path)], path)
}

function equalOrBothNull(a: Operand, b: Operand, path: string): BoolValue {
  return or([bool(sql<SqlBool>`(${valueSql(a)} = ${valueSql(b)})`, true, path), bothNull(a, b, path)], path)
}

function looseEqualsConst(x: Operand, value: unknown, path: string, c: SqlCompiler): SqlValue {
  if (value === null || value === undefined) {
    return nullable(x) ? isNullSql(valueSql(x), path) : constBool(false, path)
  }
  if (typeof value === 'object')
    return mismatch(c, path, `${describe(x)} with ${describe({ kind: 'const', value, path })}`)
  if (refusesComparison(x)) return mismatch(c, path, `${describe(x)} with ${typeof value}`)
  if (x.kind === 'bool') {
    const n = toNumber(value)
    if (n === 1) return x
    if (n === 0) return not(x, path)
    return constBool(false, path)
  }
  const kind = jsKindOf(x)
  if (kind === 'string' && typeof value === 'string') return stringEqualsConst(x, value, path)
  if (kind === 'boolean' && typeof value === 'boolean') {
    return bool(sql<SqlBool>`(${x.sql} = ${value})`, true, path)
  }
  if (kind === 'number' && typeof value === 'number') {
    if (Number.isNaN(value)) return constBool(false, path)
    if (x.kind === 'typed' && x.dayOffset) {
      const range = dayRange(x.dayOffset, '=', value, c.timeZone, path)
      if (range) return range
    }
    return bool(sql<SqlBool>`(${x.sql} = ${numberParam(value)})`, true, path)
  }
  // Mixed types: both sides through ToNumber (booleans too).
  const n = toNumber(value)
  if (Number.isNaN(n)) return constBool(false, path)
  if (x.kind === 'typed' && x.type === 'decimal') {
    const exact = decimalCompare(x.sql, '=', n, path)
    if (exact) return exact
  }
  return bool(sql<SqlBool>`(${numberOf(x)} = ${numberParam(n)})`, true, path)
}

/** The decimal digits of an id as PostgreSQL prints a bigint: no sign, no leading zeros, in range. */
export function isCanonicalId(value: string): boolean {
  return /^(0|[1-9][0-9]{0,18})$/.test(value) && BigInt(value) <= 9223372036854775807n
}

function stringEqualsConst(x: Operand & { kind: 'typed' }, value: string, path: string): BoolValue {
  if (x.idColumn) {
    return isCanonicalId(value)
      ? bool(sql<SqlBool>`(${x.idColumn} = cast(${value} as bigint))`, true, path)
      : constBool(false, path)
  }
  switch (x.type) {
    case 'date':
      return isCanonicalDate(value)
        ? bool(sql<SqlBool>`(${x.sql} = ${dateParam(value)})`, true, path)
        : constBool(false, path)
    case 'datetime':
      return isCanonicalIso(value)
        ? bool(sql<SqlBool>`(${x.sql} = ${timestampParam(value)})`, true, path)
        : constBool(false, path)
    case 'decimal':
      return bool(sql<SqlBool>`(cast(${x.sql} as text) = ${textParam(value)})`, true, path)
    default:
      return bool(sql<SqlBool>`(${x.sql} = ${textParam(value)})`, true, path)
  }
}

// ---------- === ----------

export function strictEquals(a: SqlValue, b: SqlValue, path: string, c: SqlCompiler): SqlValue {
  if (a.kind === 'poison') return a
  if (b.kind === 'poison') return b
  if (a.kind === 'const' && b.kind === 'const') return constBool(a.value === b.value, path)
  if (a.kind === 'const' || b.kind === 'const') {
    const x = (a.kind === 'const' ? b : a) as Operand
    const value = a.kind === 'const' ? a.value : (b as { value: unknown }).value
    if (value === null || value === undefined) {
      return nullable(x) ? isNullSql(valueSql(x), path) : constBool(false, path)
    }
    if (typeof value === 'object') return constBool(false, path) // a fresh array is never === a value
    if (refusesComparison(x)) return mismatch(c, path, `${describe(x)} with ${typeof value}`)
    if (jsKindOf(x) !== typeof value) return constBool(false, path)
    return looseEqualsConst(x, value, path, c)
  }
  if (refusesComparison(a) || refusesComparison(b))
    return mismatch(c, path, `${describe(a)} with ${describe(b)}`)
  if (jsKindOf(a) !== jsKindOf(b)) return bothNull(a, b, path)
  if (!sameStringType(a, b)) return mismatch(c, path, `${describe(a)} with ${describe(b)}`)
  return equalOrBothNull(a, b, path)
}

// ---------- < <= > >= ----------

export function relational(
  op: RelationalOp,
  a: SqlValue,
  b: SqlValue,
  path: string,
  c: SqlCompiler,
): SqlValue {
  if (a.kind === 'poison') return a
  if (b.kind === 'poison') return b
  if (a.kind === 'const' && b.kind === 'const') return constBool(jsRelational(op, a.value, b.value), path)
  if (a.kind === 'const') return relationalConst(FLIP[op], b as Operand, a.value, path, c)
  if (b.kind === 'const') return relationalConst(op, a, b.value, path, c)
  if (refusesComparison(a) || refusesComparison(b))
    return mismatch(c, path, `${describe(a)} with ${describe(b)}`)
  const o = opSql(op)
  if (jsKindOf(a) === 'string' && jsKindOf(b) === 'string') {
    if (!sameStringType(a, b)) return mismatch(c, path, `${describe(a)} with ${describe(b)}`)
    // Two strings order by code unit; once either is null, both go through ToNumber (null → 0).
    const native =
      (a as { type: string }).type === 'text'
        ? sql`${a.sql} ${o} ${b.sql} collate "C"`
        : sql`${a.sql} ${o} ${b.sql}`
    return bool(
      sql<SqlBool>`(case when ${a.sql} is null or ${b.sql} is null then ${numberOrZero(a)} ${o} ${numberOrZero(b)} else ${native} end)`,
      true,
      path,
    )
  }
  return bool(sql<SqlBool>`(${numberOrZero(a)} ${o} ${numberOrZero(b)})`, true, path)
}

/** `x op value`, the constant on the right. */
function relationalConst(
  op: RelationalOp,
  x: Operand,
  value: unknown,
  path: string,
  c: SqlCompiler,
): SqlValue {
  if (refusesComparison(x))
    return mismatch(c, path, `${describe(x)} with ${describe({ kind: 'const', value, path })}`)
  if (value !== null && typeof value === 'object') {
    return mismatch(c, path, `${describe(x)} with ${describe({ kind: 'const', value, path })}`)
  }
  const o = opSql(op)
  const primitive = toPrimitive(value)
  // JS: a null operand is not a string, so it compares as the number 0.
  const nullCase = jsRelational(op, 0, toNumber(primitive))
  if (x.kind === 'typed' && jsKindOf(x) === 'string' && typeof primitive === 'string') {
    return withNullCase(x.sql, nullCase, stringCompareConst(op, x, primitive, path), path)
  }
  const n = toNumber(primitive)
  if (Number.isNaN(n)) return constBool(false, path)
  if (x.kind === 'bool') return constBoolOrSql(sql<SqlBool>`(${numberOf(x)} ${o} ${numberParam(n)})`, path)
  if (x.type === 'date' || x.type === 'datetime') {
    // A date string is NaN as a number: only the null case can hold.
    return nullCase ? isNullSql(x.sql, path) : constBool(false, path)
  }
  const fast =
    x.type === 'decimal'
      ? decimalCompare(x.sql, op, n, path)
      : x.dayOffset
        ? dayRange(x.dayOffset, op, n, c.timeZone, path)
        : undefined
  const comparison = fast ?? bool(sql<SqlBool>`(${numberOf(x)} ${o} ${numberParam(n)})`, true, path)
  return withNullCase(x.sql, nullCase, comparison, path)
}

function constBoolOrSql(e: Expression<SqlBool>, path: string): BoolValue {
  return bool(e, false, path)
}

function stringCompareConst(
  op: RelationalOp,
  x: Operand & { kind: 'typed' },
  value: string,
  path: string,
): BoolValue {
  const o = opSql(op)
  if (x.type === 'date' && isCanonicalDate(value)) {
    return bool(sql<SqlBool>`(${x.sql} ${o} ${dateParam(value)})`, true, path)
  }
  if (x.type === 'datetime' && isCanonicalIso(value)) {
    return bool(sql<SqlBool>`(${x.sql} ${o} ${timestampParam(value)})`, true, path)
  }
  return bool(sql<SqlBool>`(${stringOf(x)} ${o} ${textParam(value)} collate "C")`, true, path)
}

export { isNotNullSql }
