import { fail, ok, rangeIssues, type FieldTypeModule } from './field-type.js'

const NUMERIC_STRING = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** A plain (floating point or whole) number. Exact amounts belong in decimal/currency. */
export const numberField: FieldTypeModule = {
  type: 'number',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'number',
  column: (field) => (field.integer ? 'bigint' : 'double precision'),
  jsonSchema: (field) => {
    const schema: Record<string, unknown> = {
      type: field.integer ? ['integer', 'string'] : ['number', 'string'],
    }
    if (field.min !== undefined) schema.minimum = field.min
    if (field.max !== undefined) schema.maximum = field.max
    return schema
  },
  storedSchema: (field) => ({ type: field.integer ? 'integer' : 'number' }),
  normalize: (value, field) => {
    let number: number
    if (typeof value === 'string') {
      const text = value.trim()
      if (!NUMERIC_STRING.test(text)) return fail('field.invalid_number')
      number = Number(text)
    } else {
      number = value as number
    }
    if (!Number.isFinite(number)) return fail('field.invalid_number')
    if (field.integer && !Number.isSafeInteger(number)) {
      return Number.isInteger(number)
        ? fail('field.too_large', { max: Number.MAX_SAFE_INTEGER })
        : fail('field.not_integer')
    }
    // A string input escaped the schema's minimum/maximum, so bounds are checked here as well.
    if (field.min !== undefined && number < field.min) return fail('field.too_small', { min: field.min })
    if (field.max !== undefined && number > field.max) return fail('field.too_large', { max: field.max })
    return ok(number)
  },
  invalidCode: 'field.invalid_number',
  validateConfig: rangeIssues,
}
