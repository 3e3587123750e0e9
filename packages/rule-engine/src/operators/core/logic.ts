import { sql, type SqlBool } from 'kysely'
import type { Evaluator } from '../../js/env.js'
import { truthy } from '../../js/truthy.js'
import {
  cheapTruth,
  constantOf,
  isBooleanResult,
  markBoolean,
  negationOf,
  truthOf,
} from '../../js/constants.js'
import type { OperatorNode } from '../../parse/nodes.js'
import { and, constBool, definite, not, or } from '../../sql/fragments.js'
import { bool, type BoolValue, type SqlCompiler, type SqlValue } from '../../sql/sql-value.js'
import { defineOperators, type OperatorDefinition } from '../operator.js'

/**
 * `if`/`?:`, `and`, `or`, `!`, `!!`. In SQL they are boolean connectives over JsonLogic
 * truthiness; `and`/`or`/`if` return one of their operands in JsonLogic, so as SQL values they
 * are only accepted where just the truthiness matters or every branch is a boolean.
 */

function ifJs(args: readonly Evaluator[]): Evaluator {
  const pairs = Math.floor(args.length / 2)
  const fallback = args.length % 2 === 1 ? args[args.length - 1]! : undefined
  // Tests only matter by their truthiness: a boolean closure (or a cheaper truth form) is called as is.
  const cheap = args.map((arg, i) => (i % 2 === 0 && i + 1 < args.length ? cheapTruth(arg) : arg))
  if (cheap.every((arg) => arg !== undefined)) return ifBoolean(cheap as Evaluator[], pairs, fallback)
  if (args.length === 3) {
    const [test, then, otherwise] = args as [Evaluator, Evaluator, Evaluator]
    return (data, env) => (truthy(test(data, env)) ? then(data, env) : otherwise(data, env))
  }
  return (data, env) => {
    for (let i = 0; i < pairs; i++) {
      if (truthy(args[2 * i]!(data, env))) return args[2 * i + 1]!(data, env)
    }
    return fallback ? fallback(data, env) : null
  }
}

/** `if` whose tests are boolean closures (or cheaper truth forms): no truthiness test per call. */
function ifBoolean(tests: readonly Evaluator[], pairs: number, fallback: Evaluator | undefined): Evaluator {
  const constants = tests.map((arg, i) =>
    i % 2 === 1 || i === tests.length - 1 ? constantOf(arg) : undefined,
  )
  if (tests.length === 3 && constants[1] && constants[2]) {
    // {"if": [test, "gold", "bronze"]}: the branches are values, not calls.
    const [test] = tests as [Evaluator]
    const then = constants[1].value
    const otherwise = constants[2].value
    return (data, env) => (test(data, env) ? then : otherwise)
  }
  if (tests.length === 5 && constants[1] && constants[3] && constants[4]) {
    const [test1, , test2] = tests as [Evaluator, Evaluator, Evaluator]
    const then1 = constants[1].value
    const then2 = constants[3].value
    const otherwise = constants[4].value
    return (data, env) => (test1(data, env) ? then1 : test2(data, env) ? then2 : otherwise)
  }
  if (tests.length === 3) {
    const [test, then, otherwise] = tests as [Evaluator, Evaluator, Evaluator]
    return (data, env) => (test(data, env) ? then(data, env) : otherwise(data, env))
  }
  if (tests.length === 5) {
    const [test1, then1, test2, then2, otherwise] = tests as [
      Evaluator,
      Evaluator,
      Evaluator,
      Evaluator,
      Evaluator,
    ]
    return (data, env) =>
      test1(data, env) ? then1(data, env) : test2(data, env) ? then2(data, env) : otherwise(data, env)
  }
  return (data, env) => {
    for (let i = 0; i < pairs; i++) {
      if (tests[2 * i]!(data, env)) return tests[2 * i + 1]!(data, env)
    }
    return fallback ? fallback(data, env) : null
  }
}

/**
 * `and`/`or` whose leading arguments are boolean closures: JavaScript's `&&`/`||` then return
 * exactly JsonLogic's operand (the first false/true one, else the last), without a truthiness test.
 */
function booleanChain(args: readonly Evaluator[], all: boolean): Evaluator | undefined {
  if (!args.slice(0, -1).every(isBooleanResult)) return undefined
  const last = args[args.length - 1]!
  let chain: Evaluator | undefined
  if (args.length === 2) {
    const [a, b] = args as [Evaluator, Evaluator]
    chain = all ? (d, e) => a(d, e) && b(d, e) : (d, e) => a(d, e) || b(d, e)
  } else if (args.length === 3) {
    const [a, b, c] = args as [Evaluator, Evaluator, Evaluator]
    chain = all ? (d, e) => a(d, e) && b(d, e) && c(d, e) : (d, e) => a(d, e) || b(d, e) || c(d, e)
  }
  return chain && isBooleanResult(last) ? markBoolean(chain) : chain
}

function booleansOf(node: OperatorNode, c: SqlCompiler): BoolValue[] | SqlValue {
  // Every argument is compiled before giving up, so validateCondition reports all issues.
  const compiled = node.args.map((arg) => c.truth(arg))
  const poisoned = compiled.find((b) => b.kind === 'poison')
  return poisoned ?? (compiled as BoolValue[])
}

function ifSql(node: OperatorNode, c: SqlCompiler): SqlValue {
  const compiled = booleansOf(node, c)
  if (!Array.isArray(compiled)) return compiled
  if (compiled.length === 0) return constBool(false, node.path, true)
  if (compiled.length === 1) return compiled[0]!
  const parts = []
  let truthOnly = compiled.length % 2 === 0 // no else branch: null
  let i = 0
  for (; i + 1 < compiled.length; i += 2) {
    parts.push(sql`when ${definite(compiled[i]!)} then ${definite(compiled[i + 1]!)}`)
    truthOnly ||= compiled[i + 1]!.truthOnly
  }
  const otherwise = i < compiled.length ? definite(compiled[i]!) : sql`false`
  if (i < compiled.length) truthOnly ||= compiled[i]!.truthOnly
  return bool(
    sql<SqlBool>`(case ${sql.join(parts, sql` `)} else ${otherwise} end)`,
    false,
    node.path,
    truthOnly,
  )
}

const ifOperator = (name: string): OperatorDefinition => ({
  name,
  arity: { min: 0 },
  js: ifJs,
  sql: ifSql,
})

export const logicOperators = defineOperators(
  ifOperator('if'),
  ifOperator('?:'),
  {
    name: 'and',
    arity: { min: 1 },
    js(args) {
      const chain = booleanChain(args, true)
      if (chain) return chain
      if (args.length === 2) {
        const [a, b] = args as [Evaluator, Evaluator]
        return (data, env) => {
          const first = a(data, env)
          return truthy(first) ? b(data, env) : first
        }
      }
      if (args.length === 3) {
        const [a, b, c] = args as [Evaluator, Evaluator, Evaluator]
        return (data, env) => {
          const first = a(data, env)
          if (!truthy(first)) return first
          const second = b(data, env)
          return truthy(second) ? c(data, env) : second
        }
      }
      return (data, env) => {
        let current: unknown
        for (let i = 0; i < args.length; i++) {
          current = args[i]!(data, env)
          if (!truthy(current)) return current
        }
        return current
      }
    },
    sql(node, c) {
      const compiled = booleansOf(node, c)
      return Array.isArray(compiled) ? and(compiled, node.path) : compiled
    },
  },
  {
    name: 'or',
    arity: { min: 1 },
    js(args) {
      const chain = booleanChain(args, false)
      if (chain) return chain
      if (args.length === 2) {
        const [a, b] = args as [Evaluator, Evaluator]
        return (data, env) => {
          const first = a(data, env)
          return truthy(first) ? first : b(data, env)
        }
      }
      if (args.length === 3) {
        const [a, b, c] = args as [Evaluator, Evaluator, Evaluator]
        return (data, env) => {
          const first = a(data, env)
          if (truthy(first)) return first
          const second = b(data, env)
          return truthy(second) ? second : c(data, env)
        }
      }
      return (data, env) => {
        let current: unknown
        for (let i = 0; i < args.length; i++) {
          current = args[i]!(data, env)
          if (truthy(current)) return current
        }
        return current
      }
    },
    sql(node, c) {
      const compiled = booleansOf(node, c)
      return Array.isArray(compiled) ? or(compiled, node.path) : compiled
    },
  },
  {
    name: '!',
    arity: { min: 1, max: 1 },
    js([a]) {
      const negated = negationOf(a!)
      if (negated) return negated
      const test = cheapTruth(a!)
      if (test) return markBoolean((data, env) => !test(data, env))
      return markBoolean((data, env) => !truthy(a!(data, env)))
    },
    sql(node, c) {
      const b = c.truth(node.args[0]!)
      return b.kind === 'poison' ? b : not(b, node.path)
    },
  },
  {
    name: '!!',
    arity: { min: 1, max: 1 },
    js([a]) {
      return truthOf(a!)
    },
    sql(node, c) {
      const b = c.truth(node.args[0]!)
      return b.kind === 'poison' ? b : { ...b, truthOnly: false }
    },
  },
)
