import {
  toConditionScope,
  type AppDefinition,
  type FieldDef,
  type FormSchema,
  type LocalizedText,
} from '@trellis/form-engine'

/** How a pivot may use a field, from the type the form engine gives it in conditions. */
export type FieldUse = 'number' | 'date' | 'text' | 'boolean'

/** A field the report builder offers: the form's own, or one of a many-to-one relation's target. */
export interface PaletteField {
  /** The pivot's field reference: `amount`, `store.name`. */
  ref: string
  label: LocalizedText
  /** The relation it is reached through (`store`), absent for the form's own fields. */
  via?: { key: string; label: LocalizedText }
  use: FieldUse
  /** The field's definition (options, type), keyed by `ref`: what the condition builder edits filters with. */
  def: FieldDef
}

const USES: Record<string, FieldUse | undefined> = {
  number: 'number',
  decimal: 'number',
  date: 'date',
  datetime: 'date',
  text: 'text',
  boolean: 'boolean',
}

const CREATED_AT: LocalizedText = { 'zh-CN': '创建时间', en: 'Created at' }

/** A form's groupable, countable fields (json and array fields cannot be pivoted), with their types. */
function ownFields(form: FormSchema, app: AppDefinition): PaletteField[] {
  const scope = toConditionScope(form, { app }).fields
  const fields: PaletteField[] = []
  for (const field of form.fields) {
    if (field.archived || field.type === 'relation') continue
    const use = USES[scope[field.key]?.type ?? '']
    if (use) fields.push({ ref: field.key, label: field.label, use, def: field })
  }
  fields.push({
    ref: 'created_at',
    label: CREATED_AT,
    use: 'date',
    def: { key: 'created_at', type: 'datetime', label: CREATED_AT },
  })
  return fields
}

/**
 * The palette of a source form: its own fields, then each many-to-one relation's target fields
 * (`store.name`, `customer.tier`), which the pivot reaches with a left join. One level deep, which is what
 * people group orders by; deeper paths stay possible in a saved spec.
 */
export function paletteFields(app: AppDefinition, source: string): PaletteField[] {
  const form = app.forms.find((f) => f.key === source)
  if (!form) return []
  const fields = ownFields(form, app)
  for (const relation of form.fields) {
    if (relation.archived || relation.type !== 'relation' || !relation.relation) continue
    const target = app.forms.find((f) => f.key === relation.relation!.form)
    if (!target) continue
    const via = { key: relation.key, label: relation.label }
    for (const field of ownFields(target, app))
      fields.push({
        ...field,
        ref: `${relation.key}.${field.ref}`,
        via,
        def: {
          ...field.def,
          key: `${relation.key}.${field.ref}`,
          label: joined(relation.label, field.label),
        },
      })
  }
  return fields
}

/** "门店·门店名称" / "Store · Name": a related field's name with the relation's. */
function joined(via: LocalizedText, label: LocalizedText): LocalizedText {
  const out: LocalizedText = {}
  for (const lang of ['zh-CN', 'en'] as const) {
    const a = via[lang] ?? via['zh-CN']
    const b = label[lang] ?? label['zh-CN']
    if (a && b) out[lang] = lang === 'en' ? `${a} · ${b}` : `${a}·${b}`
  }
  return out
}

/** The palette as field definitions for the condition builder (relation paths keep their dotted key). */
export function conditionDefs(fields: readonly PaletteField[]): FieldDef[] {
  return fields.map((f) => f.def)
}

/** The field a reference names, for labels and defaults (undefined for a field the palette lacks). */
export function findPaletteField(fields: readonly PaletteField[], ref: string): PaletteField | undefined {
  return fields.find((f) => f.ref === ref)
}
