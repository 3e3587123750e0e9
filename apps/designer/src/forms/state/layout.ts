import type { FieldDef, FieldType, FormSchema } from '@trellis/form-engine'

/** The canvas is a grid of this many columns; a field spans 1 to 4 of them. */
export const GRID_COLUMNS = 4

/**
 * Layout lives on the form, not on its fields: a FieldDef change shows up as an `update_field` step in the
 * migration plan, and moving a field on the grid must not touch the database plan.
 */
export interface FormLayout {
  span?: Record<string, number>
}

export type DesignedForm = FormSchema & { layout?: FormLayout }

const WIDE: ReadonlySet<FieldType> = new Set(['long_text', 'attachment'])

export function defaultSpan(type: FieldType): number {
  return WIDE.has(type) ? GRID_COLUMNS : 2
}

export function clampSpan(span: number): number {
  return Math.min(GRID_COLUMNS, Math.max(1, Math.round(span)))
}

export function spanOf(form: DesignedForm, field: FieldDef): number {
  return clampSpan(form.layout?.span?.[field.key] ?? defaultSpan(field.type))
}
