import type { AppDefinition, FieldDef, FieldType } from '@trellis/form-engine'

/**
 * What a freshly dropped field starts with, so that it is valid where a sensible default exists (a select
 * with one option, a relation to the first other form); the rest (a formula) the property panel asks for.
 */
export function fieldDefaults(type: FieldType, app: AppDefinition, formKey: string): Partial<FieldDef> {
  switch (type) {
    case 'select':
    case 'multi_select':
      return { options: [{ value: 'option_1', label: { 'zh-CN': '选项 1', en: 'Option 1' } }] }
    case 'relation': {
      const target = app.forms.find((form) => form.key !== formKey && !form.archived)
      return target ? { relation: { form: target.key } } : {}
    }
    case 'formula':
      return { resultType: 'number' }
    case 'auto_number':
      return { autoNumber: { digits: 6 } }
    case 'decimal':
    case 'currency':
      return { scale: 2 }
    default:
      return {}
  }
}
