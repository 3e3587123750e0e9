import type { FieldDef } from '../types.js'
import { fail, ok, type ConfigIssue, type FieldTypeModule } from './field-type.js'

export function optionValues(field: FieldDef): string[] {
  return (field.options ?? []).map((option) => option.value)
}

export function optionIssues(field: FieldDef, required: boolean): ConfigIssue[] {
  if (field.options === undefined)
    return required ? [{ path: 'options', code: 'config.options_required' }] : []
  if (!Array.isArray(field.options) || (required && field.options.length === 0)) {
    return [{ path: 'options', code: 'config.options_required' }]
  }
  const issues: ConfigIssue[] = []
  const seen = new Set<string>()
  field.options.forEach((option, i) => {
    const value = (option as { value?: unknown } | null)?.value
    if (typeof value !== 'string' || value.trim() === '') {
      issues.push({ path: `options.${i}.value`, code: 'config.invalid_option_value' })
    } else if (seen.has(value)) {
      issues.push({ path: `options.${i}.value`, code: 'config.duplicate_option', params: { value } })
    } else {
      seen.add(value)
    }
  })
  return issues
}

export const selectField: FieldTypeModule = {
  type: 'select',
  writable: true,
  sortable: true,
  filterable: true,
  uniqueable: false,
  conditionType: () => 'text',
  column: () => 'text',
  jsonSchema: (field) => ({ type: 'string', enum: optionValues(field) }),
  normalize: (value, field) =>
    optionValues(field).includes(value as string) ? ok(value) : fail('field.invalid_option', { value }),
  invalidCode: 'field.invalid_option',
  validateConfig: (field) => optionIssues(field, true),
}

export const multiSelectField: FieldTypeModule = {
  type: 'multi_select',
  writable: true,
  sortable: false,
  filterable: true,
  uniqueable: false,
  conditionType: () => 'text_array',
  column: () => 'text[]',
  jsonSchema: (field) => ({ type: 'array', items: { type: 'string', enum: optionValues(field) } }),
  // Order of choice is kept; repeats carry no meaning and are dropped.
  normalize: (value, field) => {
    const allowed = optionValues(field)
    const items = value as string[]
    const bad = items.findIndex((item) => !allowed.includes(item))
    if (bad >= 0) return fail('field.invalid_option', { value: items[bad] }, String(bad))
    return ok([...new Set(items)])
  },
  invalidCode: 'field.invalid_option',
  validateConfig: (field) => optionIssues(field, true),
}
