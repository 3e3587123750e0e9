import { isSystemKey, isValidKey } from '@trellis/form-engine'

const MAX_KEY = 63

/**
 * A key from a label: ASCII words joined by underscores (`Last purchase` → `last_purchase`), else the
 * fallback (the field type) for labels with no Latin letters, numbered until it is free.
 */
export function suggestKey(label: string | undefined, fallback: string, taken: Iterable<string>): string {
  const used = new Set(taken)
  let base = (label ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, MAX_KEY - 4)
  if (!isValidKey(base) || isSystemKey(base)) base = fallback
  if (isSystemKey(base)) base = `${base}_field`
  if (!used.has(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`
    if (!used.has(candidate)) return candidate
  }
}

export type KeyProblem = 'invalid' | 'reserved' | 'duplicate'

/** Why a key cannot be used, or undefined when it can. */
export function keyProblem(key: string, others: Iterable<string>): KeyProblem | undefined {
  if (!isValidKey(key)) return 'invalid'
  if (isSystemKey(key)) return 'reserved'
  for (const other of others) if (other === key) return 'duplicate'
  return undefined
}
