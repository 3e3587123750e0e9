import { sql, type Expression } from 'kysely'

/** The white space JavaScript's Number() trims (StrWhiteSpaceChar), incl. the ideographic space. */
const JS_WHITE_SPACE =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'

const BLANK = `^[${JS_WHITE_SPACE}]*$`
// Decimal notation only, bounded so the numeric cast below can never fail at query time.
const DECIMAL = '^[+-]?([0-9]{1,255}([.][0-9]{0,255})?|[.][0-9]{1,255})([eE][+-]?[0-9]{1,3})?$'
const INFINITY = '^[+-]?Infinity$'

/**
 * JavaScript's ToNumber(string) as a SQL expression yielding double precision, or NULL for NaN:
 * blank → 0, decimal literals (also '1.', '.5', '1e3', ' 12 '), ±Infinity, beyond the double
 * range → ±Infinity, below it → 0. Hex/octal/binary literals ('0x1A') read as NaN here, unlike JS
 * (a documented difference). A NULL input yields NULL.
 */
export function textToNumber(text: Expression<unknown>): Expression<number> {
  const trimmed = sql`btrim(${text}, ${JS_WHITE_SPACE})`
  const asNumeric = sql`cast(${trimmed} as numeric)`
  return sql<number>`(case
    when ${text} ~ ${BLANK} then cast(0 as double precision)
    when ${trimmed} ~ ${DECIMAL} then (case
      when abs(${asNumeric}) >= cast('1.7976931348623158e308' as numeric) then sign(${asNumeric}) * cast('Infinity' as double precision)
      when abs(${asNumeric}) < cast('2.2250738585072014e-308' as numeric) then cast(0 as double precision)
      else cast(${asNumeric} as double precision) end)
    when ${trimmed} ~ ${INFINITY} then (case when ${trimmed} like '-%' then cast('-Infinity' as double precision) else cast('Infinity' as double precision) end)
    else null end)`
}
