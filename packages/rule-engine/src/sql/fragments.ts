import { sql, type Expression, type SqlBool } from 'kysely'
import { bool, type BoolValue } from './sql-value.js'

/** Typed parameters: every value reaches PostgreSQL as a bind parameter, never as SQL text. */
export const numberParam = (n: number): Expression<number> => sql<number>`cast(${n} as double precision)`
export const textParam = (s: string): Expression<string> => sql<string>`cast(${s} as text)`
export const dateParam = (s: string): Expression<string> => sql<string>`cast(${s} as date)`
export const timestampParam = (s: string): Expression<Date> => sql<Date>`cast(${s} as timestamptz)`
export const intParam = (n: number): Expression<number> => sql<number>`cast(${n} as integer)`
export const textArrayParam = (items: readonly string[]): Expression<string[]> =>
  sql<string[]>`cast(${[...items]} as text[])`

export const TRUE = sql<SqlBool>`true`
export const FALSE = sql<SqlBool>`false`

export const constBool = (value: boolean, path: string, truthOnly = false): BoolValue =>
  bool(value ? TRUE : FALSE, false, path, truthOnly)

/** NULL-free form, needed under NOT (NOT NULL is NULL, which would read as false). */
export function definite(b: BoolValue): Expression<SqlBool> {
  return b.mayBeNull ? sql<SqlBool>`coalesce(${b.sql}, false)` : b.sql
}

export function not(b: BoolValue, path: string): BoolValue {
  if (b.sql === TRUE) return constBool(false, path)
  if (b.sql === FALSE) return constBool(true, path)
  return bool(sql<SqlBool>`not ${definite(b)}`, false, path)
}

/** AND/OR keep "NULL means false": false AND NULL = false, true OR NULL = true, else NULL (= false). */
export function and(items: readonly BoolValue[], path: string): BoolValue {
  const truthOnly = items.some((b) => b.truthOnly)
  if (items.some((b) => b.sql === FALSE)) return constBool(false, path, truthOnly)
  const rest = items.filter((b) => b.sql !== TRUE)
  if (rest.length === 0) return constBool(true, path, truthOnly)
  if (rest.length === 1) return { ...rest[0]!, truthOnly }
  return bool(
    sql<SqlBool>`(${sql.join(
      rest.map((b) => b.sql),
      sql` and `,
    )})`,
    rest.some((b) => b.mayBeNull),
    path,
    truthOnly,
  )
}

export function or(items: readonly BoolValue[], path: string): BoolValue {
  const truthOnly = items.some((b) => b.truthOnly)
  if (items.some((b) => b.sql === TRUE)) return constBool(true, path, truthOnly)
  const rest = items.filter((b) => b.sql !== FALSE)
  if (rest.length === 0) return constBool(false, path, truthOnly)
  if (rest.length === 1) return { ...rest[0]!, truthOnly }
  return bool(
    sql<SqlBool>`(${sql.join(
      rest.map((b) => b.sql),
      sql` or `,
    )})`,
    rest.some((b) => b.mayBeNull),
    path,
    truthOnly,
  )
}

export const isNullSql = (e: Expression<unknown>, path: string): BoolValue =>
  bool(sql<SqlBool>`(${e} is null)`, false, path)
export const isNotNullSql = (e: Expression<unknown>, path: string): BoolValue =>
  bool(sql<SqlBool>`(${e} is not null)`, false, path)

/** `(x IS NULL AND nullCase) OR comparison`, folded when nullCase is known to be false. */
export function withNullCase(
  e: Expression<unknown>,
  nullCase: boolean,
  comparison: BoolValue,
  path: string,
): BoolValue {
  return nullCase ? or([isNullSql(e, path), comparison], path) : comparison
}
