import { sql } from 'kysely'
import { nowMs, type Env, type Evaluator } from '../../js/env.js'
import { markFieldReader, markItemReader, markTruthForm } from '../../js/constants.js'
import { internalize, normalizeRead, readField, readPath } from '../../js/read-path.js'
import type { LogicNode, OperatorNode } from '../../parse/nodes.js'
import { typed } from '../../sql/sql-value.js'
import { defineOperators } from '../operator.js'

/**
 * `var`, `missing`, `missing_some`. Names starting with `$` read the context instead of the
 * record (`$user.store` → context.user.store, `$now` → the evaluation's instant).
 */

// Paths computed at run time ({"var": {"cat": …}}, {"missing": {"merge": …}}) repeat: split each once.
const splitCache = new Map<string, readonly string[]>()

function splitPath(path: unknown): readonly string[] | undefined {
  if (path === undefined || path === null || path === '') return undefined
  const text = String(path)
  if (text.length > 200) return text.split('.')
  let segments = splitCache.get(text)
  if (!segments) {
    if (splitCache.size >= 1000) splitCache.clear()
    segments = Object.freeze(text.split('.').map(internalize))
    splitCache.set(text, segments)
  }
  return segments
}

function readContext(segments: readonly string[], env: Env): unknown {
  const head = segments[0]!.slice(1)
  if (head === 'now' && segments.length === 1) return new Date(nowMs(env)).toISOString()
  return readPath(env.context, [head, ...segments.slice(1)])
}

/** A reader for a path known at compile time (split once); `undefined` = not found. */
type Reader = (data: unknown, env: Env) => unknown

const hasOwn = Object.prototype.hasOwnProperty

export function compileReader(path: unknown): Reader {
  const segments = splitPath(path)
  if (!segments) return (data) => data
  if (segments[0]!.startsWith('$')) return (_data, env) => readContext(segments, env)
  if (segments.length === 1) {
    const key = segments[0]!
    return (data) => {
      if (data === null || data === undefined || !hasOwn.call(data, key)) return undefined
      const value = (data as Record<string, unknown>)[key]
      return typeof value === 'object' && value !== null ? normalizeRead(value) : value
    }
  }
  return (data) => readPath(data, segments)
}

/** `var` with a path known at compile time. */
function constantVar(path: unknown, fallback: Evaluator | undefined): Evaluator {
  const segments = splitPath(path)
  if (!fallback && segments?.length === 1 && !segments[0]!.startsWith('$')) {
    const key = segments[0]!
    return markFieldReader((data) => readField(data, key), key)
  }
  if (!fallback && !segments) return markItemReader((data) => (data === undefined ? null : data))
  const read = compileReader(path)
  if (!fallback) {
    return (data, env) => {
      const value = read(data, env)
      return value === undefined ? null : value
    }
  }
  return (data, env) => {
    const value = read(data, env)
    return value === undefined ? fallback(data, env) : value
  }
}

export function readVar(path: unknown, data: unknown, env: Env): unknown {
  const segments = splitPath(path)
  if (!segments) return data
  return segments[0]!.startsWith('$') ? readContext(segments, env) : readPath(data, segments)
}

function isContextVar(node: OperatorNode): boolean {
  const first = node.args[0]
  return first?.kind === 'literal' && typeof first.value === 'string' && first.value.startsWith('$')
}

/**
 * What `missing` reads for one key: json-logic-js evaluates {"var": key}, so an array key is
 * var's own argument list ([path, default]).
 */
function readMissingKey(key: unknown, data: unknown, env: Env): unknown {
  if (!Array.isArray(key)) return readVar(key, data, env)
  const value = readVar(key[0], data, env)
  return value === undefined ? (key.length > 1 ? key[1] : null) : value
}

function missingKeys(keys: readonly unknown[], data: unknown, env: Env): unknown[] {
  const missing: unknown[] = []
  for (const key of keys) {
    const value = readMissingKey(key, data, env)
    if (value === undefined || value === null || value === '') missing.push(key)
  }
  return missing
}

/** The keys `missing` checks, when they are literals: {"missing": ["a","b"]} or {"missing": [["a","b"]]}. */
function literalKeys(nodes: readonly LogicNode[]): unknown[] | undefined {
  if (!nodes.every((node) => node.kind === 'literal')) return undefined
  const values = nodes.map((node) => (node as { value: unknown }).value)
  return Array.isArray(values[0]) ? (values[0] as unknown[]) : values
}

/** The keys when every one is a plain record field name (no path, no context, no default). */
function plainNames(keys: readonly unknown[]): readonly string[] | undefined {
  const plain = keys.every(
    (key) => typeof key === 'string' && key !== '' && !key.includes('.') && !key.startsWith('$'),
  )
  return plain ? (keys as readonly string[]).map(internalize) : undefined
}

/** Precompiled readers for literal keys: the paths are split once, not on every call. */
function missingOf(keys: readonly unknown[]): (data: unknown, env: Env) => unknown[] {
  if (keys.some((key) => Array.isArray(key))) return (data, env) => missingKeys(keys, data, env)
  const names = plainNames(keys)
  if (names) {
    // Plain field names (the usual case): read inline, no closure per key.
    return (data) => {
      const missing: unknown[] = []
      for (let i = 0; i < names.length; i++) {
        const value = readField(data, names[i]!)
        if (value === null || value === '') missing.push(names[i])
      }
      return missing
    }
  }
  const readers = keys.map(compileReader)
  return (data, env) => {
    const missing: unknown[] = []
    for (let i = 0; i < readers.length; i++) {
      const value = readers[i]!(data, env)
      if (value === undefined || value === null || value === '') missing.push(keys[i])
    }
    return missing
  }
}

export const dataOperators = defineOperators(
  {
    name: 'var',
    impure: true,
    arity: { min: 0, max: 2 },
    js([path, fallback], node) {
      const pathNode = node.args[0]
      if (!path || pathNode?.kind === 'literal')
        return constantVar(pathNode?.kind === 'literal' ? pathNode.value : undefined, fallback)
      return (data, env) => {
        const value = readVar(path(data, env), data, env)
        return value === undefined ? (fallback ? fallback(data, env) : null) : value
      }
    },
    readsData: (node) => !isContextVar(node),
    sql(node, c) {
      const [pathNode, fallback] = node.args
      if (fallback) {
        return c.fail(
          'unsupported_in_sql',
          'A "var" default is not supported in SQL: record fields are present (NULL when empty)',
          node.path,
        )
      }
      if (
        pathNode?.kind !== 'literal' ||
        (typeof pathNode.value !== 'string' && typeof pathNode.value !== 'number')
      ) {
        return c.fail('unsupported_in_sql', 'Only a constant field name can be read in SQL', node.path)
      }
      const name = String(pathNode.value)
      const field = c.field(name)
      if (!field) {
        return c.fail('unknown_field', `Unknown field "${name}"`, node.path)
      }
      if (field.storedAs === 'bigint') {
        const column = sql.ref(field.column)
        return { ...typed('text', sql`cast(${column} as text)`, node.path), idColumn: column }
      }
      return typed(field.type, sql.ref(field.column), node.path)
    },
  },
  {
    name: 'missing',
    impure: true,
    arity: { min: 0 },
    js(args, node) {
      const keys = literalKeys(node.args)
      if (keys) return missingOf(keys)
      return (data, env) => {
        const values = args.map((arg) => arg(data, env))
        const dynamicKeys = Array.isArray(values[0]) ? (values[0] as unknown[]) : values
        return missingKeys(dynamicKeys, data, env)
      }
    },
    readsData: () => true,
  },
  {
    name: 'missing_some',
    impure: true,
    arity: { min: 2, max: 2 },
    js([need, options], node) {
      const [needNode, optionsNode] = node.args
      if (
        needNode?.kind === 'literal' &&
        optionsNode?.kind === 'literal' &&
        Array.isArray(optionsNode.value)
      ) {
        const count = needNode.value as number
        const list = optionsNode.value as unknown[]
        const missingIn = missingOf(list)
        const value: Evaluator = (data, env) => {
          const missing = missingIn(data, env)
          return list.length - missing.length >= count ? [] : missing
        }
        const names = plainNames(list)
        if (!names) return value
        // Under `!!`, `!` or an `if` test only the truthiness counts: no list is built.
        if (typeof count !== 'number' || Number.isNaN(count)) {
          return markTruthForm(value, (data) => {
            let missing = 0
            for (let i = 0; i < names.length; i++) {
              const field = readField(data, names[i]!)
              if (field === null || field === '') missing++
            }
            return missing > 0 && !(names.length - missing >= count)
          })
        }
        // Truthy once more than `length - count` keys (and at least one) are missing: the reading stops
        // as soon as the answer is known either way.
        const need = Math.max(1, Math.floor(names.length - count) + 1)
        return markTruthForm(value, (data) => {
          let missing = 0
          for (let i = 0; i < names.length; i++) {
            const field = readField(data, names[i]!)
            if (field === null || field === '') {
              if (++missing >= need) return true
            } else if (missing + names.length - 1 - i < need) return false
          }
          return false
        })
      }
      return (data, env) => {
        const count = need!(data, env) as number
        const keys = options!(data, env)
        const list = Array.isArray(keys) ? keys : []
        const missing = missingKeys(list, data, env)
        return list.length - missing.length >= count ? [] : missing
      }
    },
    readsData: () => true,
  },
)
