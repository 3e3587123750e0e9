import type { FieldDef } from '../types.js'
import { ok, rangeIssues, type FieldTypeModule } from './field-type.js'

// Generous defaults still cap payloads: a single-line text is not a document.
const DEFAULT_MAX = { text: 1000, long_text: 100_000 }

function textModule(type: 'text' | 'long_text'): FieldTypeModule {
  return {
    type,
    writable: true,
    sortable: type === 'text',
    filterable: true,
    uniqueable: type === 'text',
    conditionType: () => 'text',
    column: () => 'text',
    jsonSchema: (field: FieldDef) => ({ type: 'string', maxLength: field.maxLength ?? DEFAULT_MAX[type] }),
    // Single-line text is trimmed (pasted values carry stray spaces); long text keeps its layout.
    // Blank becomes null so that "required" means "has content".
    normalize: (value) => {
      const text = type === 'text' ? (value as string).trim() : (value as string)
      return ok(text.trim() === '' ? null : text)
    },
    invalidCode: 'field.invalid_value',
    validateConfig: rangeIssues,
  }
}

export const textField = textModule('text')
export const longTextField = textModule('long_text')
