import type { FieldDef, FormSchema, RecordValidator } from '@trellis/form-engine'
import { coerceCell, type CoerceOptions } from './coerce.js'
import type { ColumnMapping } from './mapping.js'

export interface CellError {
  /** Field key. */
  field: string
  /** Column index in the file, when the error comes from one cell. */
  column?: number
  code: string
  message: string
}

export interface PreparedRow {
  values: Record<string, unknown>
  errors: CellError[]
}

/** Every cell of a row empty (or only spaces): skipped, counted apart. */
export function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '')
}

/**
 * Coerces the mapped cells of one row to field values. Empty cells are left out (they never clear a
 * stored value); cells that cannot be read become errors naming their column.
 */
export function coerceRow(
  cells: readonly string[],
  mapping: ColumnMapping,
  form: FormSchema,
  options: CoerceOptions = {},
): PreparedRow {
  const values: Record<string, unknown> = {}
  const errors: CellError[] = []
  for (const { index, field } of mappedFields(mapping, form)) {
    const raw = cells[index] ?? ''
    const result = coerceCell(field, raw, options)
    if (!result.ok)
      errors.push({ field: field.key, column: index, code: result.code, message: result.message })
    else if (result.value !== undefined) values[field.key] = result.value
  }
  return { values, errors }
}

type MappedField = { index: number; field: FieldDef }
const mappedCache = new WeakMap<ColumnMapping, { form: FormSchema; fields: MappedField[] }>()

/**
 * The mapped columns of a mapping with their fields, in the mapping's order: looked up once per mapping
 * object and form (an import coerces millions of rows with one mapping). A mapping is not changed while
 * rows are coerced with it.
 */
function mappedFields(mapping: ColumnMapping, form: FormSchema): MappedField[] {
  const cached = mappedCache.get(mapping)
  if (cached?.form === form) return cached.fields
  const fields: MappedField[] = []
  for (const [index, key] of Object.entries(mapping)) {
    const field = form.fields.find((f) => f.key === key)
    if (field) fields.push({ index: Number(index), field })
  }
  mappedCache.set(mapping, { form, fields })
  return fields
}

/**
 * Runs the form's own validator (`compileFormValidator`) over coerced values, so an import obeys exactly
 * the rules an API write does, and reports its errors against the mapped columns. `create` checks a new
 * record; `update` only the fields present (a row merging into an existing record).
 */
export function validateRow(
  prepared: PreparedRow,
  validator: RecordValidator,
  mode: 'create' | 'update',
  mapping: ColumnMapping,
): PreparedRow {
  if (prepared.errors.length) return prepared
  const result = validator(prepared.values, { mode })
  if (result.ok) return { values: result.value, errors: [] }
  const columnOf = new Map(Object.entries(mapping).map(([i, k]) => [k, Number(i)]))
  return {
    values: prepared.values,
    errors: result.errors.map((e) => {
      const field = e.path.split('.')[0] ?? e.path
      const column = columnOf.get(field)
      return { field, ...(column !== undefined ? { column } : {}), code: e.code, message: e.message }
    }),
  }
}
