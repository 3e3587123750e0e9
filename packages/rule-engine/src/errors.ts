/**
 * Every refusal names a stable `code` (for i18n at the edge) and the JSON path of the offending
 * node, e.g. `and.1.in.0`, so the designer can point at it.
 */
export class ConditionError extends Error {
  readonly code: string
  readonly path: string

  constructor(code: string, message: string, path: string) {
    super(path ? `${message} (at ${path})` : message)
    this.name = 'ConditionError'
    this.code = code
    this.path = path
  }
}

export function joinPath(parent: string, key: string | number): string {
  return parent === '' ? String(key) : `${parent}.${key}`
}
