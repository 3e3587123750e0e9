import { sql } from 'kysely'
import { nowMs, type Env, type Evaluator } from '../../js/env.js'
import { normalizeRead, readPath } from '../../js/read-path.js'
import type { OperatorNode } from '../../parse/nodes.js'
import { typed } from '../../sql/sql-value.js'
import { defineOperators } from '../operator.js'

/**
 * `var`, `missing`, `missing_some`. Names starting with `$` read the context instead of the
 * record (`$user.store` → context.user.store, `$now` → the evaluation's instant).
 */

function splitPath(path: unknown): string[] | undefined {
  if (path === undefined || path === null || path === '') return undefined
  return String(path).split('.')
}

function readContext(segments: readonly string[], env: Env): unknown {
  const head = segments[0]!.slice(1)
  if (head === 'now' && segments.length === 1) return new Date(nowMs(env)).toISOString()
  return readPath(env.context, [head, ...segments.slice(1)])
}

/** `var` with a path known at compile time: the path is split once. */
function constantVar(path: unknown, fallback: Evaluator | undefined): Evaluator {
  const segments = splitPath(path)
  if (!segments) return (data) => data
  const orDefault = (value: unknown, data: unknown, env: Env) =>
    value === undefined ? (fallback ? fallback(data, env) : null) : value
  if (segments[0]!.startsWith('$')) {
    return (data, env) => orDefault(readContext(segments, env), data, env)
  }
  if (segments.length === 1) {
    const key = segments[0]!
    const hasOwn = Object.prototype.hasOwnProperty
    return (data, env) => {
      if (data === null || data === undefined || !hasOwn.call(data, key)) {
        return fallback ? fallback(data, env) : null
      }
      return normalizeRead((data as Record<string, unknown>)[key])
    }
  }
  return (data, env) => orDefault(readPath(data, segments), data, env)
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

function missingKeys(keys: readonly unknown[], data: unknown, env: Env): unknown[] {
  const missing: unknown[] = []
  for (const key of keys) {
    const value = readVar(key, data, env)
    if (value === undefined || value === null || value === '') missing.push(key)
  }
  return missing
}

export const dataOperators = defineOperators(
  {
    name: 'var',
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
      return typed(field.type, sql.ref(field.column), node.path)
    },
  },
  {
    name: 'missing',
    arity: { min: 0 },
    js(args) {
      return (data, env) => {
        const values = args.map((arg) => arg(data, env))
        const keys = Array.isArray(values[0]) ? (values[0] as unknown[]) : values
        return missingKeys(keys, data, env)
      }
    },
    readsData: () => true,
  },
  {
    name: 'missing_some',
    arity: { min: 2, max: 2 },
    js([need, options]) {
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
