/** What happens to stored values when a column's SQL type changes. */
export type CastVerdict = { allowed: false } | { allowed: true; lossy: boolean; reason?: string }

type SqlClass =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'timestamptz'
  | 'text[]'
  | 'jsonb'

function classify(sqlType: string): { cls: SqlClass; scale?: number } {
  const numeric = /^numeric(?:\((\d+),\s*(\d+)\))?$/.exec(sqlType)
  if (numeric)
    return numeric[2] === undefined ? { cls: 'numeric' } : { cls: 'numeric', scale: Number(numeric[2]) }
  if (sqlType === 'double precision') return { cls: 'double' }
  return { cls: sqlType as SqlClass }
}

const NUMBERS: SqlClass[] = ['integer', 'bigint', 'double', 'numeric']
const allow = (lossy: boolean, reason?: string): CastVerdict =>
  reason ? { allowed: true, lossy, reason } : { allowed: true, lossy }

function numberCast(
  from: { cls: SqlClass; scale?: number },
  to: { cls: SqlClass; scale?: number },
): CastVerdict {
  const fromScale = from.cls === 'integer' || from.cls === 'bigint' ? 0 : (from.scale ?? Infinity)
  switch (to.cls) {
    case 'integer':
    case 'bigint':
      // Overflow (bigint → integer) fails the cast check rather than changing values, so it is not lossy.
      return fromScale > 0 ? allow(true, 'Fractions are rounded to whole numbers.') : allow(false)
    case 'double':
      return from.cls === 'integer'
        ? allow(false)
        : allow(true, 'Exact values become floating point and may lose precision.')
    default: {
      const toScale = to.scale ?? Infinity
      if (from.cls === 'double')
        return allow(
          true,
          `Floating point values are rounded to ${toScale === Infinity ? 'exact decimals' : `${toScale} decimal places`}.`,
        )
      return fromScale > toScale
        ? allow(true, `Values are rounded to ${toScale} decimal places.`)
        : allow(false)
    }
  }
}

/**
 * Whether a column may change from one SQL type to another while keeping its values, and whether the cast can
 * change them. Changes that would need a transformation rather than a cast (text ↔ arrays, anything ↔ jsonb,
 * booleans ↔ numbers or dates) are refused.
 */
export function castVerdict(fromSql: string, toSql: string): CastVerdict {
  if (fromSql === toSql) return allow(false)
  const from = classify(fromSql)
  const to = classify(toSql)
  const structured = (cls: SqlClass) => cls === 'text[]' || cls === 'jsonb'
  if (structured(from.cls) || structured(to.cls)) return { allowed: false }
  if (to.cls === 'text') return allow(false)
  if (from.cls === 'text') {
    return allow(
      true,
      `Text is parsed as ${toSql}: values that do not parse block the change; the others may be reformatted.`,
    )
  }
  if (NUMBERS.includes(from.cls) && NUMBERS.includes(to.cls)) return numberCast(from, to)
  if (from.cls === 'date' && to.cls === 'timestamptz') return allow(false)
  if (from.cls === 'timestamptz' && to.cls === 'date') return allow(true, 'The time of day is dropped.')
  return { allowed: false }
}
