import type { ConditionFieldType } from '../condition-types.js'
import type { AppDefinition, FieldDef, FieldType, FormSchema } from '../types.js'

export type JsonSchema = Record<string, unknown>

/** What a field type may need beyond its own definition (rollups look at the child form). */
export interface FieldContext {
  app?: AppDefinition
  form?: FormSchema
}

/** `path` is relative to the field (`'2'` for the third tag); absent means the value as a whole. */
export type Normalized =
  { ok: true; value: unknown } | { ok: false; code: string; params?: Record<string, unknown>; path?: string }

/** A config problem, `path` relative to the FieldDef (`options.2.value`). */
export interface ConfigIssue {
  path: string
  code: string
  params?: Record<string, unknown>
}

/**
 * One field type. Everything the rest of the engine knows about a type goes through this object, so adding
 * a type means one module and one line in the registry.
 */
export interface FieldTypeModule {
  type: FieldType
  /** False for computed types: input is refused, the server or `computeFormulas` fills the value. */
  writable: boolean
  sortable: boolean
  filterable: boolean
  /** Whether `unique: true` is meaningful (it is not for arrays, json or booleans). */
  uniqueable: boolean
  conditionType(field: FieldDef, ctx: FieldContext): ConditionFieldType
  /** PostgreSQL column type. */
  column(field: FieldDef, ctx: FieldContext): string
  /** JSON Schema of an accepted input value (never null; nullability is added by the form). */
  jsonSchema(field: FieldDef): JsonSchema
  /** JSON Schema of the stored value as the API returns it; defaults to `jsonSchema`. */
  storedSchema?(field: FieldDef, ctx: FieldContext): JsonSchema
  /** Input (already shape-checked by the schema, never null) → stored form. */
  normalize(value: unknown, field: FieldDef): Normalized
  /** Code reported when the schema's format/pattern check fails. */
  invalidCode: string
  validateConfig(field: FieldDef): ConfigIssue[]
}

export const ok = (value: unknown): Normalized => ({ ok: true, value })
export const fail = (code: string, params?: Record<string, unknown>, path?: string): Normalized => {
  const result: Normalized = { ok: false, code }
  if (params) result.params = params
  if (path !== undefined) result.path = path
  return result
}

export function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}

/** Checks the common `min`/`max`/`maxLength` settings; types call it from their own validators. */
export function rangeIssues(field: FieldDef): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  if (field.maxLength !== undefined && !isPositiveInteger(field.maxLength)) {
    issues.push({ path: 'maxLength', code: 'config.invalid_max_length' })
  }
  for (const bound of ['min', 'max'] as const) {
    const value = field[bound]
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      issues.push({ path: bound, code: 'config.invalid_number' })
    }
  }
  if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) {
    issues.push({ path: 'min', code: 'config.invalid_range' })
  }
  return issues
}
