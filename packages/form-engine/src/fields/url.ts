import { fail, ok, type FieldTypeModule } from './field-type.js'

/** Only web addresses: `javascript:` or `file:` links in a record would be a hazard wherever they are shown. */
export function normalizeUrl(input: string): string | undefined {
  const text = input.trim()
  if (/\s/.test(text) || !/^https?:\/\//i.test(text)) return undefined
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? text : undefined
  } catch {
    return undefined
  }
}

export const urlField: FieldTypeModule = {
  type: 'url',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: true,
  conditionType: () => 'text',
  column: () => 'text',
  jsonSchema: () => ({ type: 'string', maxLength: 2048 }),
  normalize: (value) => {
    const url = normalizeUrl(value as string)
    return url ? ok(url) : fail('field.invalid_url')
  },
  invalidCode: 'field.invalid_url',
  validateConfig: () => [],
}
