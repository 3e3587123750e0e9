import type { Expression, SqlBool } from 'kysely'
import type { LogicNode } from '../parse/nodes.js'
import type { LocalDate } from '../time/zoned-time.js'
import type { DayOffset } from './day-range.js'
import type { ConditionFieldType, SqlField } from '../types.js'

/**
 * What one compiled node is in SQL, with enough static type to reproduce JsonLogic's loose
 * semantics: a constant (known at compile time, bound as a parameter where used), a typed SQL
 * expression (NULL allowed), a boolean (NULL there means false) or a poisoned node (an issue was
 * already reported while validating).
 */
export type SqlValue = ConstValue | TypedValue | BoolValue | PoisonValue

export interface ConstValue {
  readonly kind: 'const'
  readonly value: unknown
  readonly path: string
}

export interface TypedValue {
  readonly kind: 'typed'
  readonly type: ConditionFieldType
  readonly sql: Expression<unknown>
  readonly path: string
  /** Set on day counts against a constant day, so comparisons can become ranges on the field. */
  readonly dayOffset?: DayOffset
  /** A bigint id column seen as text (`sql` is its text cast): equality can use the column itself. */
  readonly idColumn?: Expression<unknown>
}

/** A JS boolean result. `mayBeNull`: the SQL can yield NULL, which always stands for false. */
export interface BoolValue {
  readonly kind: 'bool'
  readonly sql: Expression<SqlBool>
  readonly mayBeNull: boolean
  readonly path: string
  /**
   * Only the truthiness is known: `and`/`or`/`if` return one of their operands, and a field
   * tested for truth is not a boolean. Such values are refused where the value itself matters.
   */
  readonly truthOnly: boolean
}

export interface PoisonValue {
  readonly kind: 'poison'
  readonly path: string
}

export interface SqlCompiler {
  /**
   * Compiles a child node whose value matters; data-free subtrees come back as constants
   * evaluated in JS. Truth-only results are refused here.
   */
  value(node: LogicNode): SqlValue
  /** Compiles a child node whose JsonLogic truthiness is all that matters. */
  truth(node: LogicNode): BoolValue | PoisonValue
  /** The field a `var` name maps to, own keys of scope.fields only. */
  field(name: string): SqlField | undefined
  /** Reports an issue: throws in conditionToSql, records and returns a poison in validateCondition. */
  fail(code: string, message: string, path: string): PoisonValue
  readonly timeZone: string
  /** The instant `now` stands for in this compilation, and its calendar day in `timeZone`. */
  readonly nowMs: number
  readonly today: LocalDate
}

export const constant = (value: unknown, path: string): ConstValue => ({ kind: 'const', value, path })

export const typed = (type: ConditionFieldType, sql: Expression<unknown>, path: string): TypedValue => ({
  kind: 'typed',
  type,
  sql,
  path,
})

export const bool = (
  sql: Expression<SqlBool>,
  mayBeNull: boolean,
  path: string,
  truthOnly = false,
): BoolValue => ({ kind: 'bool', sql, mayBeNull, path, truthOnly })
