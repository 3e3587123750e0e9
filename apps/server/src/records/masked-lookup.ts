import { AppError } from '../http/errors.js'

/**
 * Finding a record by a masked field (`masked` or `maskedWhen`): a clerk at the counter types the phone the
 * customer tells them, and the customer is found without the number being shown. Only an exact comparison
 * with a whole value is allowed — `{"==": [{"var": "phone"}, "+8613800138000"]}` — and at most once per
 * masked field in a filter, so one request tests one guess: no prefix, substring, range, `in` list, `or`
 * of candidates or sort order can narrow a masked value down.
 *
 * Returns the masked fields the filter compares this way (the caller lets the SQL compiler see them);
 * any other use of a masked field is refused as FILTER_INVALID, as before.
 */
export function maskedLookups(filter: unknown, masked: ReadonlySet<string>): Set<string> {
  const used = new Set<string>()
  if (!masked.size) return used
  const refused = (field: string, path: string, why: string): never => {
    throw new AppError(
      400,
      'FILTER_INVALID',
      `Field "${field}" is masked: ${why}`,
      path ? `filter.${path}` : 'filter',
    )
  }
  const maskedVar = (node: unknown): string | undefined => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined
    const entries = Object.entries(node)
    if (entries.length !== 1 || entries[0]![0] !== 'var') return undefined
    const arg = entries[0]![1]
    const name = Array.isArray(arg) ? arg[0] : arg
    if (typeof name !== 'string') return undefined
    return masked.has(name.split('.')[0]!) ? name : undefined
  }
  const exact = (op: string, args: unknown): string | undefined => {
    if ((op !== '==' && op !== '===') || !Array.isArray(args) || args.length !== 2) return undefined
    const [a, b] = args as [unknown, unknown]
    const [ref, value] = maskedVar(a) !== undefined ? [a, b] : [b, a]
    const name = maskedVar(ref)
    // A plain `{"var": "phone"}` against a non-empty string: nothing to coerce, nothing to compute.
    if (name === undefined || (ref as { var: unknown }).var !== name || !masked.has(name)) return undefined
    return typeof value === 'string' && value.trim() !== '' ? name : undefined
  }
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, path ? `${path}.${i}` : String(i)))
      return
    }
    if (!node || typeof node !== 'object') return
    const name = maskedVar(node)
    if (name !== undefined) refused(name, path, 'search it by its exact full value only')
    for (const [op, args] of Object.entries(node)) {
      const at = path ? `${path}.${op}` : op
      const field = exact(op, args)
      if (field === undefined) {
        walk(args, at)
        continue
      }
      if (used.has(field)) refused(field, at, 'one exact value per search')
      used.add(field)
    }
  }
  walk(filter, '')
  return used
}

/** Exact lookups of masked values one user may make in any 60 seconds, per process. */
export const maskedLookupsPerMinute = 30
const lookupWindowMs = 60_000
/** Per published app (so two databases served by one process never share a user id's budget). */
const recentLookups = new WeakMap<object, Map<string, number[]>>()

/**
 * Counts one masked lookup against the user's budget in an app, or refuses it (429). One request tests one
 * guess, but a mask usually hides only four digits: without a budget, 10,000 requests would reveal any number.
 * A sliding window of the last minute's lookups per user; kept in the process (each process of a cluster has
 * its own), which still turns a scripted sweep of one number into hours of refusals.
 */
export function spendMaskedLookup(app: object, user: string, now = Date.now()): void {
  let users = recentLookups.get(app)
  if (!users) recentLookups.set(app, (users = new Map()))
  const since = now - lookupWindowMs
  const times = (users.get(user) ?? []).filter((t) => t > since)
  if (times.length >= maskedLookupsPerMinute) {
    const retryAfterSeconds = Math.max(1, Math.ceil((times[0]! + lookupWindowMs - now) / 1000))
    throw new AppError(
      429,
      'RATE_LIMITED',
      `At most ${maskedLookupsPerMinute} searches by a masked value per minute; try again in ${retryAfterSeconds} s`,
      'filter',
      { retryAfterSeconds },
    )
  }
  times.push(now)
  users.set(user, times)
  // Users who stopped searching leave the map once it grows.
  if (users.size > 10_000) for (const [key, list] of users) if (list.at(-1)! <= since) users.delete(key)
}
