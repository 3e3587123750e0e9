/** JsonLogic's rule: an operation is a plain object with exactly one key; anything else is data. */
export function isLogicObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  let count = 0
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue
    if (++count > 1) return false
  }
  return count === 1
}

export function operatorOf(value: Record<string, unknown>): string {
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return key
  throw new Error('unreachable: logic object without a key')
}
