import { fail, ok, type FieldTypeModule } from './field-type.js'

const ID = /^[1-9]\d{0,18}$/
const MAX_BIGINT = 9223372036854775807n

/** A target record id as it travels in JSON: a string, because bigint ids outgrow JavaScript numbers. */
export function normalizeId(value: unknown): string | undefined {
  const text =
    typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : String(value).trim()
  return ID.test(text) && BigInt(text) <= MAX_BIGINT ? text : undefined
}

/** Many-to-one: a bigint column referencing the target table's id. The one-to-many side is derived. */
export const relationField: FieldTypeModule = {
  type: 'relation',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  // Ids compare as numbers in SQL; json-logic's loose `==` makes "12" == 12 in JavaScript as well.
  conditionType: () => 'text',
  column: () => 'bigint',
  jsonSchema: () => ({ type: ['string', 'integer'], pattern: ID.source, minimum: 1 }),
  storedSchema: () => ({ type: 'string', pattern: ID.source }),
  normalize: (value) => {
    const id = normalizeId(value)
    return id ? ok(id) : fail('field.invalid_relation')
  },
  invalidCode: 'field.invalid_relation',
  validateConfig: (field) => {
    const target = field.relation?.form
    if (typeof target !== 'string' || target === '')
      return [{ path: 'relation.form', code: 'config.relation_missing' }]
    const onDelete = field.relation?.onDelete
    if (onDelete !== undefined && onDelete !== 'restrict' && onDelete !== 'set_null') {
      return [{ path: 'relation.onDelete', code: 'field.invalid_value' }]
    }
    return []
  },
}
