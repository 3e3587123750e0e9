import { getFieldType } from './fields/registry.js'
import type { FieldContext } from './fields/field-type.js'
import { indexName } from './identifiers.js'
import type { AppDefinition, FieldDef, FormSchema } from './types.js'

export interface ColumnSpec {
  /** Field key (for system columns, the system field name). */
  field: string
  /** Column name: the field key, or its archive name while archived. */
  column: string
  sqlType: string
  /** Only system columns: required-ness is validation's job, so adding a required field never breaks old rows. */
  notNull: boolean
  unique: boolean
  indexed: boolean
  /** Index name when `indexed` (stable across archive and restore). */
  indexName?: string
  references?: { form: string; onDelete: 'restrict' | 'set_null' }
  system?: boolean
  archived?: boolean
  primaryKey?: boolean
  /** `generated always as identity`. */
  identity?: boolean
  /** A default from a fixed set of SQL expressions. */
  sqlDefault?: 'now()' | '1'
}

export interface TablePlan {
  form: string
  table: string
  columns: ColumnSpec[]
}

export interface PlanOptions {
  /** Needed when the form has min/max rollups (their type is the child field's). */
  app?: AppDefinition
}

const system = (
  spec: Omit<ColumnSpec, 'column' | 'system' | 'unique' | 'indexed'> & Partial<ColumnSpec>,
): ColumnSpec => ({
  column: spec.field,
  unique: false,
  indexed: false,
  system: true,
  ...spec,
})

export function systemColumns(table: string): ColumnSpec[] {
  return [
    system({
      field: 'id',
      sqlType: 'bigint',
      notNull: true,
      primaryKey: true,
      identity: true,
      unique: true,
      indexed: true,
      indexName: `${table}_pkey`.slice(0, 63),
    }),
    system({ field: 'created_at', sqlType: 'timestamptz', notNull: true, sqlDefault: 'now()' }),
    system({ field: 'updated_at', sqlType: 'timestamptz', notNull: true, sqlDefault: 'now()' }),
    system({ field: 'created_by', sqlType: 'text', notNull: false }),
    system({ field: 'updated_by', sqlType: 'text', notNull: false }),
    system({ field: 'version', sqlType: 'integer', notNull: true, sqlDefault: '1' }),
    system({ field: 'deleted_at', sqlType: 'timestamptz', notNull: false }),
  ]
}

export function fieldColumn(table: string, field: FieldDef, ctx: FieldContext): ColumnSpec {
  const module = getFieldType(field.type)
  // Auto numbers are identifiers people quote on the phone: two records must never share one.
  const unique = Boolean(field.unique) || field.type === 'auto_number'
  const indexed = unique || Boolean(field.indexed) || field.type === 'relation'
  const spec: ColumnSpec = {
    field: field.key,
    column: field.archived && field.archivedColumn ? field.archivedColumn : field.key,
    sqlType: module.column(field, ctx),
    notNull: false,
    unique,
    indexed,
  }
  if (indexed) spec.indexName = indexName(table, field.key, unique)
  if (field.type === 'relation' && field.relation) {
    spec.references = { form: field.relation.form, onDelete: field.relation.onDelete ?? 'restrict' }
  }
  if (field.archived) spec.archived = true
  return spec
}

/** The table behind a form: system columns first, then one column per field (archived ones included). */
export function planColumns(form: FormSchema, options: PlanOptions = {}): TablePlan {
  const table = form.archived && form.archivedTable ? form.archivedTable : form.key
  const ctx: FieldContext = { form, ...(options.app ? { app: options.app } : {}) }
  return {
    form: form.key,
    table,
    columns: [...systemColumns(form.key), ...form.fields.map((field) => fieldColumn(form.key, field, ctx))],
  }
}
