import { isCanonicalId } from '../../sql/compare.js'
import { sql, type SqlBool } from 'kysely'
import {
  constantOf,
  fieldKeyOf,
  isItemReader,
  markBoolean,
  markItemMembership,
  markNegation,
  markSubstring,
  substringOf,
} from '../../js/constants.js'
import { substringInList } from '../../js/substring-in-list.js'
import type { OperatorNode } from '../../parse/nodes.js'
import { readField } from '../../js/read-path.js'
import type { Evaluator } from '../../js/env.js'
import { jsKindOf, type Operand } from '../../sql/coerce-sql.js'
import { constBool, or, textArrayParam, textParam } from '../../sql/fragments.js'
import { strictEquals } from '../../sql/compare.js'
import { bool, type SqlCompiler, type SqlValue } from '../../sql/sql-value.js'
import { defineOperators } from '../operator.js'

/** `in`, `cat`, `substr`. `in` is in the SQL subset; `cat` and `substr` run in JS only. */

function inJs(needle: unknown, haystack: unknown): boolean {
  // Only strings and arrays: json-logic-js would call any object's own `indexOf`.
  // An empty string holds nothing, not even '' (json-logic-js tests `!haystack` first).
  if (typeof haystack === 'string') return haystack !== '' && haystack.indexOf(needle as string) !== -1
  if (Array.isArray(haystack)) return haystack.indexOf(needle) !== -1
  return false
}

function inSql(needle: SqlValue, haystack: SqlValue, path: string, c: SqlCompiler): SqlValue {
  if (needle.kind === 'poison') return needle
  if (haystack.kind === 'poison') return haystack
  if (haystack.kind === 'const') {
    const list = haystack.value
    if (list === '') return constBool(false, path)
    if (typeof list === 'string' && needle.kind === 'typed' && needle.type === 'text') {
      // String#indexOf turns a null needle into 'null'.
      return bool(
        sql<SqlBool>`(strpos(${textParam(list)}, coalesce(${needle.sql}, 'null')) > 0)`,
        false,
        path,
      )
    }
    if (!Array.isArray(list)) {
      if (typeof list === 'string')
        return c.fail('type_mismatch', 'Only a text field can be searched in a string', path)
      return constBool(false, path)
    }
    if (needle.kind === 'const') return constBool(list.indexOf(needle.value) !== -1, path)
    const x = needle as Operand
    if (x.kind === 'typed' && (x.type === 'text_array' || x.type === 'json')) {
      return c.fail('type_mismatch', `A ${x.type} field cannot be looked up in a list`, path)
    }
    const strings = list.filter((item): item is string => typeof item === 'string')
    const parts = []
    if (x.kind === 'typed' && x.idColumn) {
      const ids = strings.filter(isCanonicalId)
      if (ids.length > 0) {
        parts.push(
          bool(sql<SqlBool>`(${x.idColumn} = any(cast(${textArrayParam(ids)} as bigint[])))`, true, path),
        )
      }
    } else if (x.kind === 'typed' && x.type === 'text' && strings.length > 0) {
      parts.push(bool(sql<SqlBool>`(${x.sql} = any(${textArrayParam(strings)}))`, true, path))
    }
    for (const item of list) {
      if (x.kind === 'typed' && x.type === 'text' && typeof item === 'string') continue
      if (item !== null && typeof item === 'object') continue // a fresh array never === a value
      const equal = strictEquals(x, { kind: 'const', value: item, path }, path, c)
      if (equal.kind === 'poison') return equal
      if (equal.kind === 'bool') parts.push(equal)
    }
    return or(parts, path)
  }
  if (haystack.kind === 'typed' && haystack.type === 'text') {
    if (needle.kind === 'typed' && needle.type === 'text') {
      return bool(
        sql<SqlBool>`(${haystack.sql} <> '' and strpos(${haystack.sql}, coalesce(${needle.sql}, 'null')) > 0)`,
        true,
        path,
      )
    }
    if (needle.kind !== 'const')
      return c.fail('type_mismatch', 'Search a text field for a text or a constant', path)
    const part = needle.value === null || typeof needle.value !== 'object' ? String(needle.value) : undefined
    if (part === undefined) return c.fail('type_mismatch', 'Cannot search a text field for a list', path)
    return bool(
      sql<SqlBool>`(${haystack.sql} <> '' and strpos(${haystack.sql}, ${textParam(part)}) > 0)`,
      true,
      path,
    )
  }
  if (haystack.kind === 'typed' && haystack.type === 'text_array') {
    if (needle.kind === 'const') {
      if (needle.value === null) {
        return bool(sql<SqlBool>`(array_position(${haystack.sql}, null) is not null)`, true, path)
      }
      if (typeof needle.value !== 'string') return constBool(false, path)
      return bool(sql<SqlBool>`(${textParam(needle.value)} = any(${haystack.sql}))`, true, path)
    }
    if (needle.kind === 'typed' && needle.type === 'text') {
      return bool(
        sql<SqlBool>`(case when ${needle.sql} is null then array_position(${haystack.sql}, null) is not null else ${needle.sql} = any(${haystack.sql}) end)`,
        true,
        path,
      )
    }
    return c.fail('type_mismatch', 'Only text can be looked up in a text_array field', path)
  }
  if (haystack.kind === 'typed' && jsKindOf(haystack) !== 'string') {
    return c.fail(
      'type_mismatch',
      `"in" needs a text, a text_array or a list, not a ${haystack.type} field`,
      path,
    )
  }
  return c.fail('unsupported_in_sql', '"in" on this kind of value is not supported in SQL', path)
}

/**
 * `inJs` for a constant needle other than undefined: an array is searched by a plain loop (indexOf's
 * `===`, without the builtin call; holes read as undefined, which the needle is not).
 */
function holdsConstant(haystack: unknown, k: unknown): boolean {
  if (Array.isArray(haystack)) {
    for (let i = 0; i < haystack.length; i++) if (haystack[i] === k) return true
    return false
  }
  return typeof haystack === 'string' && haystack !== '' && haystack.indexOf(k as string) !== -1
}

const NOTHING = Object.freeze({})

/** A literal list becomes a Set once: same answers as indexOf (===; NaN is never found). */
function inLiteralList(needle: Evaluator, list: readonly unknown[]): Evaluator {
  const substring = substringOf(needle)
  if (substring) return substringInList(substring, list)
  const key = fieldKeyOf(needle)
  if (list.length <= 3) {
    // Up to three items: strict comparisons inline (indexOf's own test), no builtin call.
    // Missing places hold a private object no value can be.
    const [x, y, z] = [0, 1, 2].map((i) => (i < list.length ? list[i] : NOTHING))
    if (key !== undefined) {
      return (d) => {
        const v = readField(d, key)
        return v === x || v === y || v === z
      }
    }
    if (isItemReader(needle)) {
      return markItemMembership((d) => {
        const v = d === undefined ? null : d
        return v === x || v === y || v === z
      }, list)
    }
    return (d, e) => {
      const v = needle(d, e)
      return v === x || v === y || v === z
    }
  }
  if (list.length < 6) {
    if (key !== undefined) return (d) => list.indexOf(readField(d, key)) !== -1
    // {"some": [tags, {"in": [{"var": ""}, [...]]}]}: the item itself, no reader call per item.
    if (isItemReader(needle)) {
      return markItemMembership((d) => list.indexOf(d === undefined ? null : d) !== -1, list)
    }
    return (d, e) => list.indexOf(needle(d, e)) !== -1
  }
  const set = new Set(list)
  if (isItemReader(needle)) {
    return markItemMembership((d) => {
      const value = d === undefined ? null : d
      return value === value && set.has(value)
    }, list)
  }
  if (key !== undefined) {
    return (d) => {
      const value = readField(d, key)
      return value === value && set.has(value)
    }
  }
  return (d, e) => {
    const value = needle(d, e)
    return value === value && set.has(value)
  }
}

function inJsOf([a, b]: readonly Evaluator[], node: OperatorNode): Evaluator {
  const haystack = node.args[1]!
  if (haystack.kind === 'literal' && Array.isArray(haystack.value)) return inLiteralList(a!, haystack.value)
  const needle = constantOf(a)
  if (needle) {
    const k = needle.value
    const key = fieldKeyOf(b)
    if (key !== undefined && k !== undefined) {
      // {"in": ["vip", {"var": "tags"}]}, and its negation for `!` (one call fewer).
      return markNegation(
        (d) => holdsConstant(readField(d, key), k),
        markBoolean((d) => !holdsConstant(readField(d, key), k)),
      )
    }
    if (key !== undefined) return (d) => inJs(k, readField(d, key))
    return (d, e) => inJs(k, b!(d, e))
  }
  return (d, e) => inJs(a!(d, e), b!(d, e))
}

/** `substr` with constant bounds (the usual `{"substr": [{"var": "birthday"}, 5]}`) skips two calls. */
function substrJs(source: Evaluator, start: Evaluator, length: Evaluator | undefined): Evaluator {
  const from = constantOf(start)
  const count = length ? constantOf(length) : { value: undefined }
  if (
    from &&
    typeof from.value === 'number' &&
    count &&
    (count.value === undefined || (typeof count.value === 'number' && count.value >= 0))
  ) {
    const f = from.value
    const n = count.value as number | undefined
    const key = fieldKeyOf(source)
    const cut: Evaluator =
      key !== undefined
        ? (d) => String(readField(d, key)).substr(f, n)
        : (d, e) => String(source(d, e)).substr(f, n)
    // Integer bounds (the usual case) let `in` over a literal list skip the cutting.
    const integral = Number.isSafeInteger(f) && (n === undefined || Number.isSafeInteger(n))
    return integral ? markSubstring(cut, { key, source, start: f, count: n }) : cut
  }
  return (d, e) => {
    const text = String(source(d, e))
    const from = start(d, e) as number
    const count = length ? (length(d, e) as number) : undefined
    if (count !== undefined && count < 0) {
      // PHP's meaning, as json-logic-js: a negative length stops that many characters from the end.
      const rest = text.substr(from)
      return rest.substr(0, rest.length + count)
    }
    return text.substr(from, count)
  }
}

export const stringOperators = defineOperators(
  {
    name: 'in',
    arity: { min: 2, max: 2 },
    js: (args, node) => markBoolean(inJsOf(args, node)),
    sql: (node, c) => inSql(c.value(node.args[0]!), c.value(node.args[1]!), node.path, c),
  },
  {
    name: 'cat',
    arity: { min: 0 },
    js: (args) => (d, e) => args.map((arg) => arg(d, e)).join(''),
  },
  {
    name: 'substr',
    arity: { min: 2, max: 3 },
    js: ([source, start, length]) => substrJs(source!, start!, length),
  },
)
