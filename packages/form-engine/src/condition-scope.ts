import type { ConditionFieldType, SqlField } from './condition-types.js'
import { getFieldType } from './fields/registry.js'
import type { AppDefinition, FormSchema } from './types.js'

const SYSTEM_SCOPE: Record<string, ConditionFieldType> = {
  id: 'text',
  created_at: 'datetime',
  updated_at: 'datetime',
  created_by: 'text',
  updated_by: 'text',
  version: 'number',
}

/** The part of the rule engine's SqlScope a form knows; add `context`/`timeZone`/`now` at the call site. */
export interface FormConditionScope {
  fields: Record<string, SqlField>
}

export interface ScopeOptions {
  /** Table alias: columns become `alias.column`. */
  alias?: string
  /** Needed when the form has min/max rollups. */
  app?: AppDefinition
}

/**
 * The rule engine's view of a form: every live field (and the system fields people filter on) with its
 * column and condition type, so list filters compile through conditionToSql and validateCondition can tell
 * known fields from unknown ones.
 */
export function toConditionScope(form: FormSchema, options: ScopeOptions = {}): FormConditionScope {
  const column = (name: string) => (options.alias ? `${options.alias}.${name}` : name)
  const ctx = { form, ...(options.app ? { app: options.app } : {}) }
  const fields: FormConditionScope['fields'] = {}
  for (const [key, type] of Object.entries(SYSTEM_SCOPE)) fields[key] = { column: column(key), type }
  fields.id = { column: column('id'), type: 'text', storedAs: 'bigint' }
  for (const field of form.fields) {
    if (field.archived) continue
    fields[field.key] = {
      column: column(field.key),
      type: getFieldType(field.type).conditionType(field, ctx),
      // Relations hold ids: strings in JSON, bigint in the table (see SqlField.storedAs).
      ...(field.type === 'relation' ? { storedAs: 'bigint' as const } : {}),
    }
  }
  return { fields }
}
