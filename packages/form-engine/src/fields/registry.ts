import type { FieldDef, FieldType } from '../types.js'
import { attachmentField } from './attachment.js'
import { autoNumberField } from './auto-number.js'
import { booleanField } from './boolean.js'
import { dateField, datetimeField } from './date.js'
import { currencyField, decimalField, percentField } from './decimal.js'
import { emailField } from './email.js'
import type { ConfigIssue, FieldTypeModule } from './field-type.js'
import { formulaField } from './formula.js'
import { numberField } from './number.js'
import { phoneField } from './phone.js'
import { relationField } from './relation.js'
import { rollupField, setRollupLookup } from './rollup.js'
import { multiSelectField, selectField } from './select.js'
import { tagsField } from './tags.js'
import { longTextField, textField } from './text.js'
import { urlField } from './url.js'
import { userField } from './user.js'

/** Every field type, in the order the designer's palette shows them. */
export const fieldTypes: readonly FieldTypeModule[] = [
  textField,
  longTextField,
  numberField,
  decimalField,
  currencyField,
  percentField,
  booleanField,
  dateField,
  datetimeField,
  selectField,
  multiSelectField,
  tagsField,
  emailField,
  phoneField,
  urlField,
  userField,
  relationField,
  formulaField,
  rollupField,
  attachmentField,
  autoNumberField,
]

const byType = new Map<string, FieldTypeModule>(fieldTypes.map((module) => [module.type, module]))
setRollupLookup((type) => byType.get(type))

export function findFieldType(type: string): FieldTypeModule | undefined {
  return byType.get(type)
}

/** For code paths that run after validateApp: an unknown type there is a programming error. */
export function getFieldType(type: FieldType | string): FieldTypeModule {
  const module = byType.get(type)
  if (!module) throw new Error(`Unknown field type "${type}"`)
  return module
}

/** Config problems of one field, with paths under `path` (e.g. `forms.customers.fields.3`). */
export function validateFieldConfig(field: FieldDef, path: string): ConfigIssue[] {
  const module = byType.get(field.type)
  if (!module)
    return [{ path: `${path}.type`, code: 'field.unknown_type', params: { type: String(field.type) } }]
  const issues = module.validateConfig(field).map((issue) => ({ ...issue, path: `${path}.${issue.path}` }))
  if (field.unique && !module.uniqueable)
    issues.push({ path: `${path}.unique`, code: 'config.unique_not_supported' })
  return issues
}
