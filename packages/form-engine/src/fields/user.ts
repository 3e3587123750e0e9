import { fail, ok, type FieldTypeModule } from './field-type.js'

/** A user id. Whether the user exists is the server's question; here it only has to look like an id. */
export const userField: FieldTypeModule = {
  type: 'user',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'text',
  column: () => 'text',
  jsonSchema: () => ({ type: 'string', minLength: 1, maxLength: 128 }),
  normalize: (value) => {
    const id = (value as string).trim()
    return id !== '' && !/\s/.test(id) ? ok(id) : fail('field.invalid_user')
  },
  invalidCode: 'field.invalid_user',
  validateConfig: () => [],
}
