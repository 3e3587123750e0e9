import type { Evaluator } from './env.js'
import type { SubstringForm } from './substring-in-list.js'
import { truthy } from './truthy.js'

const constants = new WeakMap<Evaluator, { value: unknown }>()

/** A closure that always returns the same value, so operators can specialize on it. */
export function constantClosure(value: unknown): Evaluator {
  const evaluator: Evaluator = () => value
  constants.set(evaluator, { value })
  return evaluator
}

/** `{ value }` when the compiled argument is a constant (a literal or a folded subtree). */
export function constantOf(evaluator: Evaluator | undefined): { value: unknown } | undefined {
  return evaluator ? constants.get(evaluator) : undefined
}

/** A fact known about compiled closures: `mark` records it, `of` reads it back (undefined when unknown). */
function closureFact<T>() {
  const facts = new WeakMap<Evaluator, T>()
  return {
    mark: (evaluator: Evaluator, fact: T): Evaluator => {
      facts.set(evaluator, fact)
      return evaluator
    },
    of: (evaluator: Evaluator | undefined): T | undefined => (evaluator ? facts.get(evaluator) : undefined),
  }
}

const fieldKeys = closureFact<string>()

/** A closure reading one record field (`{"var": "key"}`, no default), known by its key. */
export const markFieldReader = fieldKeys.mark
export const fieldKeyOf = fieldKeys.of

const booleans = new WeakSet<Evaluator>()

/** A closure that always returns `true` or `false`, so `!`, `and`, `or` may skip the truthiness test. */
export function markBoolean(evaluator: Evaluator): Evaluator {
  booleans.add(evaluator)
  return evaluator
}

export function isBooleanResult(evaluator: Evaluator | undefined): boolean {
  return evaluator !== undefined && booleans.has(evaluator)
}

/** The JsonLogic truthiness of a compiled argument as a boolean closure (cheaper when marked). */
/** A boolean closure with `evaluator`'s truthiness when one costs no extra call, else undefined. */
export function cheapTruth(evaluator: Evaluator): Evaluator | undefined {
  return booleans.has(evaluator) ? evaluator : truthForms.get(evaluator)
}

export function truthOf(evaluator: Evaluator): Evaluator {
  if (booleans.has(evaluator)) return evaluator
  const cheaper = truthForms.get(evaluator)
  if (cheaper) return cheaper
  return markBoolean((d, e) => truthy(evaluator(d, e)))
}

const truthForms = new WeakMap<Evaluator, Evaluator>()

/**
 * Registers a boolean closure with the same truthiness as `evaluator` that avoids building its
 * value (`missing_some` under `!!` counts instead of allocating the list of missing keys).
 */
export function markTruthForm(evaluator: Evaluator, truth: Evaluator): Evaluator {
  truthForms.set(evaluator, markBoolean(truth))
  return evaluator
}

const substrings = closureFact<SubstringForm>()

/** A `substr` with constant bounds, so `in` over a literal list can look the window up in place. */
export const markSubstring = substrings.mark
export const substringOf = substrings.of

/** `{"/": [{"var": key}, divisor]}`: a comparison with a constant divides and compares in one closure. */
export interface QuotientForm {
  readonly key: string
  readonly divisor: Evaluator
}

const quotients = closureFact<QuotientForm>()

export const markQuotient = quotients.mark
export const quotientOf = quotients.of

const negations = closureFact<Evaluator>()

/** A boolean closure returning the opposite of the closure's truthiness, for `!`. */
export const markNegation = negations.mark
export const negationOf = negations.of

const itemMemberships = closureFact<readonly unknown[]>()

/** `{"in": [{"var": ""}, [...]]}`: the item itself looked up in a literal list, for `some`/`all`/`none`. */
export const markItemMembership = itemMemberships.mark
export const itemMembershipOf = itemMemberships.of

const itemReaders = new WeakSet<Evaluator>()

/** `{"var": ""}` (or no path): the data itself, null for undefined. Inside `some`/`map`: the item. */
export function markItemReader(evaluator: Evaluator): Evaluator {
  itemReaders.add(evaluator)
  return evaluator
}

export function isItemReader(evaluator: Evaluator | undefined): boolean {
  return evaluator !== undefined && itemReaders.has(evaluator)
}
