import type { CompiledForm } from '../apps/published-app.js'
import { KeyTable } from './key-table.js'
import type { Pending, Rejector } from './run-import.js'

/**
 * Two distinct records of one file cannot share a value of a unique field (a phone when the key is the
 * name): the later one is rejected with the line of the earlier, instead of the unique index aborting
 * the whole import. Values are compared after coercion, so phone spellings collide as they would in
 * the table. Conflicts with records already stored are left to the database (they abort the import).
 * Returns a check to call on each record in file order: false means it was rejected.
 */
export function uniqueInFile(
  form: CompiledForm,
  keys: readonly string[],
  reject: Rejector,
): (entry: Pending) => boolean {
  const unique = [...form.fields.values()].filter(
    (f) => f.unique && !(keys.length === 1 && keys[0] === f.key),
  )
  if (!unique.length) return () => true
  const seen = new Map(unique.map((f) => [f.key, new KeyTable()]))
  return (entry) => {
    for (const field of unique) {
      const value = entry.values[field.key]
      if (value === undefined || value === null || value === '') continue
      const text = JSON.stringify(value)
      const earlier = seen.get(field.key)!.get(text)
      if (earlier !== undefined) {
        reject(entry, {
          code: 'import.duplicate_in_file',
          reason: `${field.key} ${String(value)} is already used by line ${earlier} of this file`,
          field: field.key,
        })
        return false
      }
    }
    for (const field of unique) {
      const value = entry.values[field.key]
      if (value !== undefined && value !== null && value !== '')
        seen.get(field.key)!.set(JSON.stringify(value), entry.line)
    }
    return true
  }
}
