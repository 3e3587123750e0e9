/** Structural equality of JSON-like data (key order ignored); enough to diff definitions. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]))
  const left = Object.entries(a).filter(([, value]) => value !== undefined)
  const right = Object.entries(b).filter(([, value]) => value !== undefined)
  if (left.length !== right.length) return false
  const other = b as Record<string, unknown>
  return left.every(([key, value]) => key in other && sameJson(value, other[key]))
}
