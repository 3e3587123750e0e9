/** JsonLogic truthiness (jsonlogic.com/truthy): JavaScript's, except an empty array is false. */
export function truthy(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return !!value
  return Array.isArray(value) ? value.length > 0 : true
}
