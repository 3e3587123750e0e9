const hasOwn = Object.prototype.hasOwnProperty

/**
 * The same text as an interned property key. Keys parsed from JSON (conditions stored in the database)
 * are fresh strings, and every property read by a fresh string first looks it up in V8's string table.
 */
export function internalize(key: string): string {
  return Object.keys({ [key]: null })[0] ?? key
}

/**
 * One step of `var`: own properties only, so `__proto__`, `constructor`, `toString` and every
 * other inherited name read as missing (json-logic-js would hand out the prototype objects).
 */
export function readOwn(target: unknown, key: string): unknown {
  if (target === null || target === undefined) return undefined
  if (!hasOwn.call(target, key)) return undefined
  return (target as Record<string, unknown>)[key]
}

/**
 * Records read from PostgreSQL carry timestamptz as Date, but JsonLogic has no date type and
 * compares strings: a Date is read as its ISO string so `<` orders instants like SQL does.
 */
export function normalizeRead(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  return value
}

/** Follows dotted `segments`; `undefined` when any step is missing (the caller applies defaults). */
export function readPath(target: unknown, segments: readonly string[]): unknown {
  let current = target
  for (let i = 0; i < segments.length; i++) {
    if (current === null || current === undefined) return undefined
    current = readOwn(current, segments[i]!)
    if (current === undefined) return undefined
  }
  return normalizeRead(current)
}

/**
 * `{"var": "key"}` without a default, in one call: the own field or null. Operators call it
 * directly for a field compared with a constant, saving a closure call per evaluation.
 */
export function readField(data: unknown, key: string): unknown {
  if (data === null || data === undefined) return null
  const value = (data as Record<string, unknown>)[key]
  if (value === undefined) return null
  if (typeof value !== 'object' && typeof value !== 'function') return value
  // null reads as null whether own or inherited; only objects need the own-property check.
  if (value === null || !hasOwn.call(data, key)) return null
  return Array.isArray(value) ? value : normalizeRead(value)
}
