import { compileCondition, readNames, type JsonLogic } from '@trellis/rule-engine'

/** The top-level conjuncts of a filter: `{"and": [a, {"and": [b, c]}]}` → a, b, c. */
function conjuncts(logic: JsonLogic, into: JsonLogic[] = []): JsonLogic[] {
  const and =
    logic && typeof logic === 'object' && !Array.isArray(logic) ? (logic as { and?: unknown }).and : undefined
  if (Array.isArray(and) && Object.keys(logic as object).length === 1) {
    for (const part of and) conjuncts(part as JsonLogic, into)
  } else into.push(logic)
  return into
}

/**
 * Whether `filter` rejects every source record without a related record of `name`: one of its top-level
 * conjuncts reads only that related entry's values and is false for them as they read over no records
 * (`empty`: 0 for counts and sums, null otherwise), e.g. `purchases.count >= 1`. Decided by evaluating that
 * conjunct with the rule engine's own semantics, which its SQL shares; anything it cannot evaluate is "no".
 */
export function filterNeedsRelated(
  filter: JsonLogic | undefined,
  name: string,
  empty: ReadonlyMap<string, 0 | null>,
  options: { timeZone: string; now?: Date },
): boolean {
  if (filter === undefined || filter === null) return false
  const prefix = `${name}.`
  const values: Record<string, 0 | null> = {}
  for (const [key, value] of empty) values[key] = value
  const data = { [name]: values }
  return conjuncts(filter).some((part) => {
    const vars = [...readNames(part)]
    if (!vars.length || !vars.every((v) => v.startsWith(prefix) && empty.has(v.slice(prefix.length))))
      return false
    try {
      const at = options.now
      return (
        compileCondition(part, { timeZone: options.timeZone, ...(at ? { now: () => at } : {}) })(data) ===
        false
      )
    } catch {
      return false
    }
  })
}
