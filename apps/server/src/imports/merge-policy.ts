/** What an import does to a field of a record that already exists. */
export type MergePolicy = 'keep' | 'overwrite' | 'fill_empty'

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * The changes one incoming row makes to a stored record. Only fields present in the row are looked at
 * (an empty or unmapped cell is absent), so an import never clears data.
 */
export function mergeChanges(
  existing: Record<string, unknown>,
  incoming: Record<string, unknown>,
  policyOf: (field: string) => MergePolicy,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(incoming)) {
    const policy = policyOf(field)
    if (policy === 'keep') continue
    if (policy === 'fill_empty' && !isEmpty(existing[field])) continue
    if (!same(existing[field], value)) changes[field] = value
  }
  return changes
}

/**
 * Two rows of the same file with the same key: the later row's cells overwrite for `overwrite` fields
 * and fill the gaps for the others (the first non-empty value wins).
 */
export function mergeRows(
  earlier: Record<string, unknown>,
  later: Record<string, unknown>,
  policyOf: (field: string) => MergePolicy,
): void {
  for (const [field, value] of Object.entries(later)) {
    if (policyOf(field) === 'overwrite' || earlier[field] === undefined) earlier[field] = value
  }
}
