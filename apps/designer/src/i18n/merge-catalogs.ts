export type Catalog = { [key: string]: string | Catalog }

/**
 * One language's catalog from every `…/i18n/<language>.json` found: objects merge, and a key defined twice
 * with different strings is a mistake in the catalogs, so it throws (naming both files) rather than letting
 * one feature's text silently replace another's.
 */
export function mergeCatalogs(files: Record<string, Catalog>, language: string): Catalog {
  const merged: Catalog = {}
  const origin = new Map<string, string>()
  const into = (target: Catalog, source: Catalog, file: string, prefix: string) => {
    for (const [key, value] of Object.entries(source)) {
      const path = prefix ? `${prefix}.${key}` : key
      const existing = target[key]
      if (typeof value === 'object' && (existing === undefined || typeof existing === 'object')) {
        const child: Catalog = existing ?? {}
        target[key] = child
        into(child, value, file, path)
      } else if (existing === undefined) {
        target[key] = value
        origin.set(path, file)
      } else if (existing !== value) {
        throw new Error(
          `i18n key "${path}" is defined in both ${origin.get(path) ?? 'an object'} and ${file}`,
        )
      }
    }
  }
  for (const [file, catalog] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b)))
    if (file.endsWith(`/${language}.json`)) into(merged, catalog, file, '')
  return merged
}
