import type { Evaluator } from './env.js'

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

const fieldKeys = new WeakMap<Evaluator, string>()

/** A closure reading one record field (`{"var": "key"}`, no default), known by its key. */
export function markFieldReader(evaluator: Evaluator, key: string): Evaluator {
  fieldKeys.set(evaluator, key)
  return evaluator
}

export function fieldKeyOf(evaluator: Evaluator | undefined): string | undefined {
  return evaluator ? fieldKeys.get(evaluator) : undefined
}
