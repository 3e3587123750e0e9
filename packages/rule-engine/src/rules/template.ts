/**
 * Message templates are text with `{{ path }}` variables, never code: no sections, helpers or
 * expressions. A mustache library would bring sections and partials (logic in templates), which is
 * exactly what users must not be able to write, so this small substitution is ours.
 */
const VARIABLE = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*\}\}/g

/**
 * `{{name}}` reads the record; `{{$name.x}}` reads the rule's context like `{"var": "$name.x"}` does (an `each`
 * record, an aggregate's value, `$before.x` on a record event).
 */
export function renderTemplate(
  template: string,
  data: Record<string, unknown>,
  context: Record<string, unknown> = {},
): string {
  return template.replace(VARIABLE, (_, path: string) =>
    display(path.startsWith('$') ? lookup(context, path.slice(1)) : lookup(data, path)),
  )
}

/** Variables a template reads, for validation against the form's fields. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => m[1]!)
}

function lookup(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

function display(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map(display).join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
