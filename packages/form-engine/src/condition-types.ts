/**
 * The slice of @trellis/rule-engine's contract this package relies on. Declared here so the form engine's
 * own types stay stable while the rule engine evolves; a type test checks they still agree.
 */
export type ConditionFieldType =
  'text' | 'number' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'text_array' | 'json'

export interface SqlField {
  column: string
  type: ConditionFieldType
}

export interface SqlScope {
  fields: Record<string, SqlField>
  context?: unknown
  timeZone?: string
  now?: unknown
}

export interface ConditionIssue {
  code: string
  message: string
  path: string
}

export type CompiledCondition = (data: unknown, context?: unknown) => unknown

export interface RuleEnginePort {
  compileCondition(logic: unknown, options?: unknown): CompiledCondition
  validateCondition?(logic: unknown, scope: SqlScope): ConditionIssue[]
}
