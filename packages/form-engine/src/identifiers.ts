/** Keys name SQL identifiers directly, so they are restricted to a safe, unquoted-looking subset. */
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/

/** PostgreSQL truncates identifiers beyond 63 bytes; we never let it. */
export const MAX_IDENTIFIER = 63

export const SYSTEM_FIELD_KEYS = [
  'id',
  'created_at',
  'updated_at',
  'created_by',
  'updated_by',
  'version',
  'deleted_at',
] as const

export type SystemFieldKey = (typeof SYSTEM_FIELD_KEYS)[number]

export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_PATTERN.test(key)
}

export function isSystemKey(key: string): key is SystemFieldKey {
  return (SYSTEM_FIELD_KEYS as readonly string[]).includes(key)
}

/** FNV-1a, so shortened identifiers stay distinct and deterministic without a crypto import. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

/** Joins parts into an identifier of at most 63 characters, hashing the full name when it must shorten. */
export function fitIdentifier(name: string): string {
  if (name.length <= MAX_IDENTIFIER) return name
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${shortHash(name)}`
}

export function indexName(table: string, fieldKey: string, unique: boolean): string {
  return fitIdentifier(`${table}_${fieldKey}_${unique ? 'key' : 'idx'}`)
}
