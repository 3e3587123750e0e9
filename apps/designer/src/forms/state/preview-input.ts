import type { FieldDef, FieldType } from '@trellis/form-engine'

/** What the preview's controls hold: text for most types, a list for multi-selects, a flag for booleans. */
export type PreviewInput = string | string[] | boolean | undefined

const NUMBER_TYPES: ReadonlySet<FieldType> = new Set(['number', 'percent'])
/** Types the designer cannot sample (filled by the server or by an upload). */
const NOT_SAMPLED: ReadonlySet<FieldType> = new Set(['formula', 'rollup', 'auto_number', 'attachment'])

export function isSampled(field: FieldDef): boolean {
  return !NOT_SAMPLED.has(field.type)
}

/**
 * Turns a control's content into the value an API client would send, without judging it: a number box
 * holding "abc" sends "abc", so the validator, not the preview, says what is wrong.
 */
export function toRecordValue(field: FieldDef, input: PreviewInput): unknown {
  if (input === undefined || input === '') return undefined
  if (Array.isArray(input)) return input.length ? input : undefined
  if (typeof input === 'boolean') return input
  if (NUMBER_TYPES.has(field.type)) {
    const number = Number(input)
    return input.trim() !== '' && Number.isFinite(number) ? number : input
  }
  if (field.type === 'tags')
    return input
      .split(/[,，]/)
      .map((tag) => tag.trim())
      .filter(Boolean)
  if (field.type === 'datetime') {
    // datetime-local has no zone; the API wants an instant, so read it in the browser's zone.
    const date = new Date(input)
    return Number.isNaN(date.getTime()) ? input : date.toISOString()
  }
  return input
}

/** The sample record for a form: sampled fields with some content. */
export function toSampleRecord(
  fields: readonly FieldDef[],
  inputs: Readonly<Record<string, PreviewInput>>,
): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  for (const field of fields) {
    if (!isSampled(field)) continue
    const value = toRecordValue(field, inputs[field.key])
    if (value !== undefined) record[field.key] = value
  }
  return record
}
