import type { Evaluator } from './env.js'
import { readField } from './read-path.js'
import { decimalToNumber } from './to-number.js'

type Relational = '<' | '<=' | '>' | '>='

/**
 * `{"<": [{"var": key}, k]}` and friends, specialized on the constant's type with JavaScript's exact
 * coercions but none of its slow paths:
 * - k a number: a string field is converted by `decimalToNumber` (records carry exact decimals as strings);
 * - k a string: a string (or object) field compares as JavaScript would; a number, boolean or null field
 *   meets `Number(k)`, computed once here instead of on every call (`null < "2024-03-01"` converts the
 *   date string each time otherwise, only to get NaN).
 */
export function fieldVsConstant(op: Relational, key: string, k: unknown): Evaluator {
  if (typeof k === 'number') return againstNumber(op, key, k)
  if (typeof k === 'string') return againstString(op, key, k, Number(k))
  return generic(op, key, k)
}

function againstNumber(op: Relational, key: string, k: number): Evaluator {
  const read = (d: unknown) => {
    const v = readField(d, key)
    return (typeof v === 'string' ? decimalToNumber(v) : v) as number
  }
  switch (op) {
    case '<':
      return (d) => read(d) < k
    case '<=':
      return (d) => read(d) <= k
    case '>':
      return (d) => read(d) > k
    case '>=':
      return (d) => read(d) >= k
  }
}

/** Field values for which `v OP k` is `v OP Number(k)`: primitives other than strings and bigints. */
const meetsNumber = (v: unknown) => v === null || typeof v === 'number' || typeof v === 'boolean'

function againstString(op: Relational, key: string, k: string, kn: number): Evaluator {
  const s = k as unknown as number
  switch (op) {
    case '<':
      return (d) => {
        const v = readField(d, key) as number
        return meetsNumber(v) ? v < kn : v < s
      }
    case '<=':
      return (d) => {
        const v = readField(d, key) as number
        return meetsNumber(v) ? v <= kn : v <= s
      }
    case '>':
      return (d) => {
        const v = readField(d, key) as number
        return meetsNumber(v) ? v > kn : v > s
      }
    case '>=':
      return (d) => {
        const v = readField(d, key) as number
        return meetsNumber(v) ? v >= kn : v >= s
      }
  }
}

function generic(op: Relational, key: string, k: unknown): Evaluator {
  const c = k as number
  switch (op) {
    case '<':
      return (d) => (readField(d, key) as number) < c
    case '<=':
      return (d) => (readField(d, key) as number) <= c
    case '>':
      return (d) => (readField(d, key) as number) > c
    case '>=':
      return (d) => (readField(d, key) as number) >= c
  }
}
