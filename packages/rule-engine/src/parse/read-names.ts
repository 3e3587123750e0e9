import type { JsonLogic } from '../types.js'

/**
 * Every name a condition reads through `{"var": name}` (or `{"var": [name, default]}`), as written: dotted paths
 * and `$…` context variables included, each once. A computed name (`{"var": {"cat": …}}`) cannot be known, but
 * the names its expression reads are collected. Callers narrow it (a field is the part before the first dot).
 */
export function readNames(logic: JsonLogic | unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(logic)) {
    for (const item of logic) readNames(item, into)
  } else if (logic && typeof logic === 'object') {
    for (const [op, arg] of Object.entries(logic)) {
      const name = op === 'var' ? (Array.isArray(arg) ? arg[0] : arg) : undefined
      if (typeof name === 'string') into.add(name)
      else readNames(arg, into)
    }
  }
  return into
}

/** The field part of a read name: `order.customer` → `order`. */
export const fieldOfName = (name: string): string => name.split('.')[0]!
