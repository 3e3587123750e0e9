import { MAX_IDENTIFIER } from './identifiers.js'
import type { FormSchema } from './types.js'

/**
 * `_archived_<key>_<n>`: keys cannot start with `_`, so an archive name never collides with a live column
 * or table, and the smallest free `n` keeps repeated archive/restore cycles apart.
 */
export function archiveName(key: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const suffix = `_${n}`
    const room = MAX_IDENTIFIER - '_archived_'.length - suffix.length
    const name = `_archived_${key.slice(0, room)}${suffix}`
    if (!taken.has(name)) return name
  }
}

export interface ArchiveNameOptions {
  /** Column names that exist in the table today (from the database), to avoid reusing an old archive name. */
  existingColumns?: readonly string[]
}

/** Archive names for the fields of `oldForm` that `newForm` removes or archives, keyed by field key. */
export function columnArchiveNames(
  oldForm: FormSchema,
  newForm: FormSchema | undefined,
  options: ArchiveNameOptions = {},
): Map<string, string> {
  const taken = new Set<string>(options.existingColumns ?? [])
  for (const form of [oldForm, newForm]) {
    for (const field of form?.fields ?? []) if (field.archivedColumn) taken.add(field.archivedColumn)
  }
  const names = new Map<string, string>()
  for (const field of oldForm.fields) {
    if (field.archived) continue
    const next = newForm?.fields.find((candidate) => candidate.key === field.key)
    if (next && !next.archived) continue
    const name = next?.archivedColumn ?? archiveName(field.key, taken)
    taken.add(name)
    names.set(field.key, name)
  }
  return names
}

/** A tombstone's column: its recorded name, or the first archive name when an older definition lacks it. */
export function archivedColumnOf(field: { key: string; archivedColumn?: string }): string {
  return field.archivedColumn ?? archiveName(field.key, new Set())
}
