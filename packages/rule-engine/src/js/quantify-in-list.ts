import type { Evaluator } from './env.js'
import { readField } from './read-path.js'

export type Quantifier = 'some' | 'all' | 'none'

const NOTHING = Object.freeze({})

/** `in`'s test against a literal list: `===` (NaN is never found), up to three items inline. */
function listTest(list: readonly unknown[]): (value: unknown) => boolean {
  if (list.length <= 3) {
    // Missing places hold a private object no value can be.
    const [x, y, z] = [0, 1, 2].map((i) => (i < list.length ? list[i] : NOTHING))
    return (v) => v === x || v === y || v === z
  }
  const set = new Set(list)
  return (v) => v === v && set.has(v)
}

/**
 * `{"some": [{"var": key}, {"in": [{"var": ""}, [...]]}]}` ("tagged with any of"), and `all`/`none`: a
 * record field's items looked up in a literal list in one loop, without calling the scoped closure per
 * item. An item reads as `{"var": ""}` reads it (undefined as null); anything but an array gives the
 * quantifier's answer for no items.
 */
export function quantifyFieldInList(
  quantifier: Quantifier,
  key: string,
  list: readonly unknown[],
): Evaluator {
  const member = listTest(list)
  /** Whether some item's membership equals `wanted`. */
  const any = (items: readonly unknown[], wanted: boolean): boolean => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      if (member(item === undefined ? null : item) === wanted) return true
    }
    return false
  }
  switch (quantifier) {
    case 'some':
      return (d) => {
        const items = readField(d, key)
        return Array.isArray(items) && any(items, true)
      }
    case 'none':
      return (d) => {
        const items = readField(d, key)
        return !Array.isArray(items) || !any(items, true)
      }
    case 'all':
      return (d) => {
        const items = readField(d, key)
        return Array.isArray(items) && items.length > 0 && !any(items, false)
      }
  }
}
