import type { AppDefinition } from './types.js'

export interface ReverseRelation {
  /** The child form (e.g. orders). */
  form: string
  /** Its relation field pointing at the parent (e.g. customer). */
  field: string
}

/** The one-to-many side of every many-to-one relation pointing at `formKey` (a customer's orders). */
export function reverseRelations(app: AppDefinition, formKey: string): ReverseRelation[] {
  return app.forms
    .filter((form) => !form.archived)
    .flatMap((form) =>
      form.fields
        .filter((field) => field.type === 'relation' && !field.archived && field.relation?.form === formKey)
        .map((field) => ({ form: form.key, field: field.key })),
    )
}
