import type { Evaluator } from './env.js'
import { readField } from './read-path.js'

/** A `substr` with constant integer bounds, as `in` sees it: its source and where it cuts. */
export interface SubstringForm {
  /** The record field read as the source, or undefined when `source` is any other closure. */
  readonly key: string | undefined
  readonly source: Evaluator
  readonly start: number
  /** Non-negative, or undefined for "to the end". */
  readonly count: number | undefined
}

// Longer windows are cut and looked up as strings: hashing them char by char gains nothing.
const MAX_HASHED = 64

/** A hash of `text[from, to)`, char by char, so a window can be looked up without cutting it out. */
function hashRange(text: string, from: number, to: number): number {
  let h = to - from
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0
  return h
}

/**
 * `{"in": [{"substr": [x, start, count]}, ["03-10", "03-11", …]]}` (a birthday window) without building
 * the substring on every call: the window of the string is hashed in place and looked up in an open
 * addressing table of the list's strings; only a hash match is compared, with `startsWith`. The answer
 * is `list.indexOf(String(x).substr(start, count)) !== -1`: `substr` returns a string, so the list's
 * other items can never match.
 */
export function substringInList(form: SubstringForm, list: readonly unknown[]): Evaluator {
  const { key, source, start, count } = form
  const strings = [...new Set(list.filter((item): item is string => typeof item === 'string'))]
  let size = 8
  while (size < strings.length * 2) size *= 2
  const mask = size - 1
  const slots = new Array<string | undefined>(size).fill(undefined)
  const hashes = new Int32Array(size)
  const long = new Set<string>()
  for (const item of strings) {
    if (item.length > MAX_HASHED) {
      long.add(item)
      continue
    }
    const h = hashRange(item, 0, item.length)
    let i = h & mask
    while (slots[i] !== undefined) i = (i + 1) & mask
    slots[i] = item
    hashes[i] = h
  }

  const holds = (text: string): boolean => {
    const length = text.length
    // String#substr on integer bounds: a negative start counts from the end.
    const from = start >= 0 ? (start < length ? start : length) : length + start > 0 ? length + start : 0
    const to = count === undefined || from + count > length ? length : from + count
    if (to - from > MAX_HASHED) return long.has(text.substr(from, to - from))
    const h = hashRange(text, from, to)
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const item = slots[i]
      if (item === undefined) return false
      if (hashes[i] === h && item.length === to - from && text.startsWith(item, from)) return true
    }
  }
  if (key !== undefined) {
    return (d) => {
      const value = readField(d, key)
      return holds(typeof value === 'string' ? value : String(value))
    }
  }
  return (d, e) => {
    const value = source(d, e)
    return holds(typeof value === 'string' ? value : String(value))
  }
}
