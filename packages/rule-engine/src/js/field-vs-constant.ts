import type { QuotientForm } from './constants.js'
import type { Evaluator } from './env.js'
import { readField } from './read-path.js'
import { decimalToNumber } from './to-number.js'

export type Relational = '<' | '<=' | '>' | '>='

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
  // Each branch compares on its own: a converted number merged with the raw field value into one
  // variable would be boxed (a heap allocation per call) to hold either.
  switch (op) {
    case '<':
      return (d) => {
        const v = readField(d, key)
        return typeof v === 'string' ? decimalToNumber(v) < k : (v as number) < k
      }
    case '<=':
      return (d) => {
        const v = readField(d, key)
        return typeof v === 'string' ? decimalToNumber(v) <= k : (v as number) <= k
      }
    case '>':
      return (d) => {
        const v = readField(d, key)
        return typeof v === 'string' ? decimalToNumber(v) > k : (v as number) > k
      }
    case '>=':
      return (d) => {
        const v = readField(d, key)
        return typeof v === 'string' ? decimalToNumber(v) >= k : (v as number) >= k
      }
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

/**
 * `{">": [{"/": [{"var": key}, divisor]}, k]}` (an average against a threshold) for a number k: the
 * quotient is compared where it is computed, instead of being returned, boxed, to the comparison.
 */
export function quotientVsNumber(op: Relational, { key, divisor }: QuotientForm, k: number): Evaluator {
  switch (op) {
    case '<':
      return (d, e) => {
        const v = readField(d, key)
        const y = divisor(d, e) as number
        return typeof v === 'string' ? decimalToNumber(v) / y < k : (v as number) / y < k
      }
    case '<=':
      return (d, e) => {
        const v = readField(d, key)
        const y = divisor(d, e) as number
        return typeof v === 'string' ? decimalToNumber(v) / y <= k : (v as number) / y <= k
      }
    case '>':
      return (d, e) => {
        const v = readField(d, key)
        const y = divisor(d, e) as number
        return typeof v === 'string' ? decimalToNumber(v) / y > k : (v as number) / y > k
      }
    case '>=':
      return (d, e) => {
        const v = readField(d, key)
        const y = divisor(d, e) as number
        return typeof v === 'string' ? decimalToNumber(v) / y >= k : (v as number) / y >= k
      }
  }
}
