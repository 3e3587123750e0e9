import { sql, type Expression, type SqlBool } from 'kysely'
import { numberParam } from './fragments.js'
import { adjacentDouble, exactDecimal } from './exact-decimal.js'
import { bool, type BoolValue } from './sql-value.js'

export type NumericOp = '<' | '<=' | '>' | '>=' | '='

/**
 * `Number(x) <op> n` for a numeric column x, as JavaScript computes it (x rounded to a double),
 * without converting every row: x is compared exactly with n and its neighbouring doubles, and
 * only values between two neighbours (which may round onto n) take the double conversion.
 * Returns undefined when n is too large for this (the caller converts instead).
 */
export function decimalCompare(
  x: Expression<unknown>,
  op: NumericOp,
  n: number,
  path: string,
): BoolValue | undefined {
  if (!Number.isFinite(n) || Math.abs(n) > 1e300) return undefined
  const exact = (value: number) => sql`cast(${exactDecimal(value)} as numeric)`
  const d = exact(n)
  const below = exact(adjacentDouble(n, -1))
  const above = exact(adjacentDouble(n, 1))
  const rounded = (o: string) => sql`cast(${x} as double precision) ${sql.raw(o)} ${numberParam(n)}`
  let e: Expression<SqlBool>
  switch (op) {
    case '>=':
      e = sql<SqlBool>`(${x} >= ${d} or (${x} > ${below} and ${rounded('>=')}))`
      break
    case '>':
      e = sql<SqlBool>`(${x} >= ${above} or (${x} > ${d} and ${rounded('>')}))`
      break
    case '<=':
      e = sql<SqlBool>`(${x} <= ${d} or (${x} < ${above} and ${rounded('<=')}))`
      break
    case '<':
      e = sql<SqlBool>`(${x} <= ${below} or (${x} < ${d} and ${rounded('<')}))`
      break
    case '=':
      e = sql<SqlBool>`(${x} > ${below} and ${x} < ${above} and ${rounded('=')})`
      break
  }
  return bool(e, true, path)
}
