import { ok, type FieldTypeModule } from './field-type.js'

export const booleanField: FieldTypeModule = {
  type: 'boolean',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: false,
  conditionType: () => 'boolean',
  column: () => 'boolean',
  jsonSchema: () => ({ type: 'boolean' }),
  normalize: (value) => ok(value),
  invalidCode: 'field.invalid_boolean',
  validateConfig: () => [],
}
