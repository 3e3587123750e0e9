import type { AppDefinition } from '@trellis/form-engine'

/**
 * Drafts come from people, who delete fields; published versions keep tombstones of removed fields
 * and forms (`archived: true` with the name their data is kept under, see the form engine's
 * `applyArchives`). Before planning, the previous version's tombstones that the draft does not mention
 * are carried into it, so data archived several versions ago can still be restored by re-adding its key.
 */
export function carryTombstones(previous: AppDefinition | undefined, draft: AppDefinition): AppDefinition {
  if (!previous) return draft
  const forms = draft.forms.map((form) => {
    const before = previous.forms.find((candidate) => candidate.key === form.key)
    if (!before) return form
    const present = new Set(form.fields.map((field) => field.key))
    const tombstones = before.fields.filter((field) => field.archived && !present.has(field.key))
    return tombstones.length ? { ...form, fields: [...form.fields, ...tombstones] } : form
  })
  const present = new Set(draft.forms.map((form) => form.key))
  forms.push(...previous.forms.filter((form) => form.archived && !present.has(form.key)))
  return { ...draft, forms }
}
