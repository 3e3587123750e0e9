import type { LogicNode } from '../parse/nodes.js'

/**
 * Operators whose own closures never read the evaluation env (context, time zone, clock); they
 * may hand it on to their arguments. A whitelist, so an operator added later counts as reading
 * it until listed here. `var`, `missing` and `missing_some` are env-free only over literal record
 * paths (a `$` path reads the context).
 */
const ENV_FREE = new Set([
  'if',
  '?:',
  'and',
  'or',
  '!',
  '!!',
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'in',
  'cat',
  'substr',
  'merge',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
  'between',
  'is_empty',
  'has_any',
  'has_all',
  'contains',
  'starts_with',
  'ends_with',
  'icontains',
  'istarts_with',
  'iends_with',
])

function recordPath(value: unknown): boolean {
  if (typeof value === 'number') return true
  return typeof value === 'string' && !value.startsWith('$')
}

/** Literal keys of `missing`/`missing_some` that only name record paths. */
function recordKeys(value: unknown): boolean {
  if (!Array.isArray(value)) return recordPath(value)
  return value.every((item) => (Array.isArray(item) ? recordPath(item[0]) : recordPath(item)))
}

/** Whether no closure of this tree reads the env, so it may run without one. */
export function isEnvFree(node: LogicNode): boolean {
  if (node.kind === 'literal') return true
  if (node.kind === 'array') return node.items.every(isEnvFree)
  const args = node.args
  switch (node.op) {
    case 'var': {
      const path = args[0]
      if (path && (path.kind !== 'literal' || !(path.value === null || recordPath(path.value)))) return false
      return args.every(isEnvFree)
    }
    case 'missing':
      return args.every((arg) => arg.kind === 'literal' && recordKeys(arg.value))
    case 'missing_some': {
      const [need, keys] = args
      return need?.kind === 'literal' && keys?.kind === 'literal' && recordKeys(keys.value)
    }
    default:
      return ENV_FREE.has(node.op) && args.every(isEnvFree)
  }
}
