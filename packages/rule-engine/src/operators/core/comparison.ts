import type { Evaluator } from '../../js/env.js'
import type { OperatorNode } from '../../parse/nodes.js'
import { looseEquals, relational, strictEquals, type RelationalOp } from '../../sql/compare.js'
import { and, not } from '../../sql/fragments.js'
import type { SqlCompiler, SqlValue } from '../../sql/sql-value.js'
import { defineOperators, type OperatorDefinition } from '../operator.js'

/** `==` `===` `!=` `!==` and the relational operators, with JavaScript's loose coercions. */

type Pair = (a: SqlValue, b: SqlValue, path: string, c: SqlCompiler) => SqlValue

function negated(pair: Pair): Pair {
  return (a, b, path, c) => {
    const result = pair(a, b, path, c)
    return result.kind === 'bool' ? not(result, path) : result
  }
}

function pairSql(pair: Pair) {
  return (node: OperatorNode, c: SqlCompiler) =>
    pair(c.value(node.args[0]!), c.value(node.args[1]!), node.path, c)
}

const binary = (
  name: string,
  js: (a: Evaluator, b: Evaluator) => Evaluator,
  pair: Pair,
): OperatorDefinition => ({
  name,
  arity: { min: 2, max: 2 },
  js: ([a, b]) => js(a!, b!),
  sql: pairSql(pair),
})

/** `{"<": [a, b, c]}` means a < b < c (between, exclusive) in JsonLogic; only < and <= take three. */
function relationalSql(op: RelationalOp) {
  return (node: OperatorNode, c: SqlCompiler): SqlValue => {
    const values = node.args.map((arg) => c.value(arg))
    const first = relational(op, values[0]!, values[1]!, node.path, c)
    if (values.length === 2 || first.kind !== 'bool') return first
    const second = relational(op, values[1]!, values[2]!, node.path, c)
    return second.kind === 'bool' ? and([first, second], node.path) : second
  }
}

export const comparisonOperators = defineOperators(
  binary('==', (a, b) => (d, e) => a(d, e) == b(d, e), looseEquals),
  binary('===', (a, b) => (d, e) => a(d, e) === b(d, e), strictEquals),
  binary('!=', (a, b) => (d, e) => a(d, e) != b(d, e), negated(looseEquals)),
  binary('!==', (a, b) => (d, e) => a(d, e) !== b(d, e), negated(strictEquals)),
  {
    name: '>',
    arity: { min: 2, max: 2 },
    js:
      ([a, b]) =>
      (d, e) =>
        (a!(d, e) as number) > (b!(d, e) as number),
    sql: relationalSql('>'),
  },
  {
    name: '>=',
    arity: { min: 2, max: 2 },
    js:
      ([a, b]) =>
      (d, e) =>
        (a!(d, e) as number) >= (b!(d, e) as number),
    sql: relationalSql('>='),
  },
  {
    name: '<',
    arity: { min: 2, max: 3 },
    js([a, b, c]) {
      if (!c) return (d, e) => (a!(d, e) as number) < (b!(d, e) as number)
      return (d, e) => {
        const middle = b!(d, e) as number
        return (a!(d, e) as number) < middle && middle < (c(d, e) as number)
      }
    },
    sql: relationalSql('<'),
  },
  {
    name: '<=',
    arity: { min: 2, max: 3 },
    js([a, b, c]) {
      if (!c) return (d, e) => (a!(d, e) as number) <= (b!(d, e) as number)
      return (d, e) => {
        const middle = b!(d, e) as number
        return (a!(d, e) as number) <= middle && middle <= (c(d, e) as number)
      }
    },
    sql: relationalSql('<='),
  },
)
