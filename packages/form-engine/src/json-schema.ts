import { getFieldType } from './fields/registry.js'
import type { FieldContext, JsonSchema } from './fields/field-type.js'
import type { AppDefinition, FieldDef, FormSchema } from './types.js'

export type SchemaMode = 'create' | 'update' | 'record'

export interface JsonSchemaOptions {
  /** `create`/`update`: accepted input; `record`: a stored record as the API returns it. */
  mode: SchemaMode
  app?: AppDefinition
}

/** Optional values may be null; this widens a field's schema without nesting it in anyOf (clearer errors). */
export function nullable(schema: JsonSchema): JsonSchema {
  const result: JsonSchema = { ...schema }
  if (typeof schema.type === 'string') result.type = [schema.type, 'null']
  else if (Array.isArray(schema.type)) result.type = [...schema.type, 'null']
  else return { anyOf: [schema, { type: 'null' }] }
  if (Array.isArray(schema.enum)) result.enum = [...schema.enum, null]
  return result
}

export function activeFields(form: FormSchema): FieldDef[] {
  return form.fields.filter((field) => !field.archived)
}

/** Statically required: required and not conditionally hidden (visibleWhen/requiredWhen are checked at run time). */
function alwaysRequired(field: FieldDef): boolean {
  return Boolean(field.required) && field.visibleWhen === undefined
}

const SYSTEM_SCHEMA: Record<string, JsonSchema> = {
  id: { type: 'string', pattern: '^[1-9]\\d{0,18}$' },
  created_at: { type: 'string', format: 'date-time' },
  updated_at: { type: 'string', format: 'date-time' },
  created_by: { type: ['string', 'null'] },
  updated_by: { type: ['string', 'null'] },
  version: { type: 'integer', minimum: 1 },
  deleted_at: { type: ['string', 'null'], format: 'date-time' },
}

/**
 * JSON Schema (draft 2020-12 compatible, ajv 8) for a form's input or stored records. Input schemas list only
 * writable fields and refuse others; `create` marks always-required fields as required.
 */
export function toJsonSchema(form: FormSchema, options: JsonSchemaOptions): JsonSchema {
  const ctx: FieldContext = { form, ...(options.app ? { app: options.app } : {}) }
  const properties: Record<string, JsonSchema> = {}
  if (options.mode === 'record') {
    Object.assign(properties, SYSTEM_SCHEMA)
    for (const field of activeFields(form)) {
      const module = getFieldType(field.type)
      properties[field.key] = nullable(
        module.storedSchema ? module.storedSchema(field, ctx) : module.jsonSchema(field),
      )
    }
    return { type: 'object', properties, required: Object.keys(SYSTEM_SCHEMA), additionalProperties: false }
  }
  const required: string[] = []
  for (const field of activeFields(form)) {
    const module = getFieldType(field.type)
    if (!module.writable) continue
    properties[field.key] = nullable(module.jsonSchema(field))
    if (options.mode === 'create' && alwaysRequired(field)) required.push(field.key)
  }
  const schema: JsonSchema = { type: 'object', properties, additionalProperties: false }
  if (required.length > 0) schema.required = required
  return schema
}
