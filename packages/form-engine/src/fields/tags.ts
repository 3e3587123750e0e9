import { ok, type FieldTypeModule } from './field-type.js'
import { optionIssues } from './select.js'

const MAX_TAGS = 100
const MAX_TAG_LENGTH = 100

/** Free tags (options, if any, are only suggestions): trimmed, blanks dropped, first spelling of a repeat kept. */
export const tagsField: FieldTypeModule = {
  type: 'tags',
  writable: true,
  sortable: false,
  filterable: true,
  uniqueable: false,
  conditionType: () => 'text_array',
  column: () => 'text[]',
  jsonSchema: () => ({
    type: 'array',
    maxItems: MAX_TAGS,
    items: { type: 'string', maxLength: MAX_TAG_LENGTH },
  }),
  normalize: (value) => {
    const tags: string[] = []
    for (const raw of value as string[]) {
      const tag = raw.normalize('NFC').trim().replace(/\s+/g, ' ')
      if (tag !== '' && !tags.includes(tag)) tags.push(tag)
    }
    return ok(tags)
  },
  invalidCode: 'field.invalid_value',
  validateConfig: (field) => optionIssues(field, false),
}
