import type { FormSchema, RecordValidator } from '@trellis/form-engine'
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
  for (const [index, key] of Object.entries(mapping)) {
    const field = form.fields.find((f) => f.key === key)
    if (!field) continue
    const raw = cells[Number(index)] ?? ''
    const result = coerceCell(field, raw, options)
    if (!result.ok)
      errors.push({ field: key, column: Number(index), code: result.code, message: result.message })
    else if (result.value !== undefined) values[key] = result.value
  }
  return { values, errors }
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
