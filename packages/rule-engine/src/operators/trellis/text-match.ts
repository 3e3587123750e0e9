import { sql, type Expression, type SqlBool } from 'kysely'
import { constBool, textParam } from '../../sql/fragments.js'
import { bool, type SqlValue } from '../../sql/sql-value.js'
import { defineOperators, type OperatorDefinition } from '../operator.js'

/**
 * `contains`, `starts_with`, `ends_with` and the case-insensitive `icontains`, `istarts_with`,
 * `iends_with`: `{"contains": [text, part]}`. False unless `text` is a string; a number `part`
 * is matched as its decimal text. Case-insensitivity folds ASCII letters only (A-Z), identically
 * in JS and SQL: full Unicode case mapping differs between JavaScript and PostgreSQL locales.
 */

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'

export function foldAscii(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    out += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i]
  }
  return out
}

type Match = 'contains' | 'starts_with' | 'ends_with'

const jsMatch: Record<Match, (text: string, part: string) => boolean> = {
  contains: (text, part) => text.includes(part),
  starts_with: (text, part) => text.startsWith(part),
  ends_with: (text, part) => text.endsWith(part),
}

function sqlMatch(kind: Match, text: Expression<unknown>, part: Expression<unknown>): Expression<SqlBool> {
  switch (kind) {
    case 'contains':
      return sql<SqlBool>`(strpos(${text}, ${part}) > 0)`
    case 'starts_with':
      return sql<SqlBool>`(left(${text}, length(${part})) = ${part})`
    case 'ends_with':
      return sql<SqlBool>`(right(${text}, length(${part})) = ${part})`
  }
}

function partOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

function matcher(name: string, kind: Match, fold: boolean): OperatorDefinition {
  const test = jsMatch[kind]
  const foldSql = (e: Expression<unknown>) => (fold ? sql`translate(${e}, ${UPPER}, ${LOWER})` : e)
  return {
    name,
    arity: { min: 2, max: 2 },
    js([text, part]) {
      return (d, e) => {
        const t = text!(d, e)
        const p = partOf(part!(d, e))
        if (typeof t !== 'string' || p === undefined) return false
        return fold ? test(foldAscii(t), foldAscii(p)) : test(t, p)
      }
    },
    sql(node, c): SqlValue {
      const text = c.value(node.args[0]!)
      const part = c.value(node.args[1]!)
      if (text.kind === 'poison') return text
      if (part.kind === 'poison') return part
      let partSql: Expression<unknown>
      if (part.kind === 'const') {
        const p = partOf(part.value)
        if (p === undefined) return constBool(false, node.path)
        partSql = textParam(fold ? foldAscii(p) : p)
      } else if (part.kind === 'typed' && part.type === 'text') {
        partSql = foldSql(part.sql)
      } else {
        return c.fail('type_mismatch', `${name} needs a text or a constant to look for`, node.args[1]!.path)
      }
      if (text.kind === 'const') {
        if (typeof text.value !== 'string') return constBool(false, node.path)
        return bool(sqlMatch(kind, foldSql(textParam(text.value)), partSql), true, node.path)
      }
      if (text.kind !== 'typed' || text.type !== 'text') {
        return c.fail('type_mismatch', `${name} needs a text field`, node.args[0]!.path)
      }
      return bool(sqlMatch(kind, foldSql(text.sql), partSql), true, node.path)
    },
  }
}

export const textMatchOperators = defineOperators(
  matcher('contains', 'contains', false),
  matcher('starts_with', 'starts_with', false),
  matcher('ends_with', 'ends_with', false),
  matcher('icontains', 'contains', true),
  matcher('istarts_with', 'starts_with', true),
  matcher('iends_with', 'ends_with', true),
)
