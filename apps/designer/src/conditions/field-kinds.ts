import { getFieldType, type AppDefinition, type FieldDef, type FormSchema } from '@trellis/form-engine'

/** How the builder treats a field: which operators fit it and which value editor it gets. */
export type FieldKind = 'text' | 'number' | 'date' | 'datetime' | 'select' | 'tags' | 'boolean' | 'ref'

/**
 * The system fields people filter on, offered after the form's own fields. `id` is typed like a reference
 * (equals, is empty): ids are compared whole, e.g. a store's scope `id = $user.store`.
 */
export const SYSTEM_FIELDS: readonly FieldDef[] = [
  { key: 'id', type: 'user', label: { 'zh-CN': '记录 ID', en: 'Record ID' } },
  { key: 'created_at', type: 'datetime', label: { 'zh-CN': '创建时间', en: 'Created at' } },
  { key: 'updated_at', type: 'datetime', label: { 'zh-CN': '更新时间', en: 'Updated at' } },
]

const DIRECT: Partial<Record<FieldDef['type'], FieldKind>> = {
  text: 'text',
  long_text: 'text',
  email: 'text',
  phone: 'text',
  url: 'text',
  auto_number: 'text',
  number: 'number',
  decimal: 'number',
  currency: 'number',
  percent: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  select: 'select',
  multi_select: 'tags',
  tags: 'tags',
  user: 'ref',
  relation: 'ref',
}

/**
 * The kind of a field. Computed fields (formulas, rollups) take the condition type the form engine gives
 * them; a min/max rollup needs the app to see its child field, without it the field is not offered.
 */
export function fieldKind(field: FieldDef, app?: AppDefinition): FieldKind | undefined {
  const direct = DIRECT[field.type]
  if (direct) return direct
  if (field.type !== 'formula' && field.type !== 'rollup') return undefined
  try {
    const form: FormSchema = { key: '', label: {}, fields: [field] }
    const type = getFieldType(field.type).conditionType(field, app ? { form, app } : { form })
    if (type === 'number' || type === 'decimal') return 'number'
    if (type === 'date' || type === 'datetime' || type === 'text' || type === 'boolean') return type
    if (type === 'text_array') return 'tags'
  } catch {
    // a rollup whose child form is unknown here
  }
  return undefined
}

export interface KindedField {
  field: FieldDef
  kind: FieldKind
}

/** The fields a condition may name: live form fields of a known kind, then the system timestamps. */
export function conditionFields(fields: readonly FieldDef[], app?: AppDefinition): KindedField[] {
  const out: KindedField[] = []
  const seen = new Set<string>()
  for (const field of [...fields, ...SYSTEM_FIELDS]) {
    if (field.archived || seen.has(field.key)) continue
    const kind = fieldKind(field, app)
    if (!kind) continue
    seen.add(field.key)
    out.push({ field, kind })
  }
  return out
}
