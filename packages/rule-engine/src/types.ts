import type { Expression, SqlBool } from 'kysely'

/** Any JSON value; a condition is JsonLogic, parsed and checked by the compilers. */
export type JsonLogic = unknown

/** Run-time values a condition may read through `{"var": "$name.path"}` (`$now` is special). */
export interface ConditionContext {
  user?: Record<string, unknown>
  now?: Date | string
  timeZone?: string
  [name: string]: unknown
}

export interface CompileOptions {
  /** IANA zone for calendar operators; default 'Asia/Shanghai'. A context `timeZone` wins. */
  timeZone?: string
  /** Clock used when the context carries no `now`. */
  now?: () => Date
}

export type CompiledCondition = (data: unknown, context?: ConditionContext) => unknown

export type ConditionFieldType =
  'text' | 'number' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'text_array' | 'json'

export interface SqlField {
  /** Trusted identifier chosen by the server, may be 'alias.col'; rendered with sql.ref. */
  column: string
  type: ConditionFieldType
  /**
   * Record ids and relations are strings in JSON (`"42"`) but bigint columns. Declared as `text` with
   * `storedAs: 'bigint'`, they compare exactly as the strings JS sees, while equality and `in` against
   * canonical id strings still compare the bigint column itself, so its index serves them.
   */
  storedAs?: 'bigint'
}

export interface SqlScope {
  fields: Record<string, SqlField>
  context?: ConditionContext
  timeZone?: string
  now?: Date
}

export interface ConditionIssue {
  code: string
  message: string
  path: string
}

export type { Expression, SqlBool }
