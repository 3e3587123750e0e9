import { constantOf, fieldKeyOf, markBoolean, quotientOf } from '../../js/constants.js'
import { readField } from '../../js/read-path.js'
import { fieldVsConstant, quotientVsNumber, type Relational } from '../../js/field-vs-constant.js'
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

/**
 * The closures for one binary comparison, specialized when an argument is a constant (a literal
 * or a folded subtree): one call fewer per evaluation, which is most of the cost of `{">": [x, 5]}`.
 */
interface BinaryForms {
  both(a: Evaluator, b: Evaluator): Evaluator
  right(a: Evaluator, k: unknown): Evaluator
  left(k: unknown, b: Evaluator): Evaluator
  /** A record field against a constant, read inline. */
  field(key: string, k: unknown): Evaluator
  /** A record field, read inline, against any other argument. */
  fieldBoth?(key: string, b: Evaluator): Evaluator
}

/** Every comparison returns a boolean, which `!`, `and`, `or` and `if` rely on (markBoolean). */
function specialize(forms: BinaryForms) {
  return ([a, b]: readonly Evaluator[]): Evaluator => markBoolean(pick(forms, a!, b!))
}

function pick(forms: BinaryForms, a: Evaluator, b: Evaluator): Evaluator {
  const kb = constantOf(b)
  const key = fieldKeyOf(a)
  if (kb && key !== undefined) return forms.field(key, kb.value)
  if (kb) return forms.right(a, kb.value)
  const ka = constantOf(a)
  if (ka) return forms.left(ka.value, b)
  if (key !== undefined && forms.fieldBoth) return forms.fieldBoth(key, b)
  return forms.both(a, b)
}

const n = (value: unknown) => value as number

/** `x OP k` for a constant k; a quotient of a field against a number divides and compares in one closure. */
function relationalRight(op: Relational, a: Evaluator, k: unknown): Evaluator {
  const quotient = quotientOf(a)
  if (quotient && typeof k === 'number') return quotientVsNumber(op, quotient, k)
  const c = k as number
  switch (op) {
    case '<':
      return (d, e) => n(a(d, e)) < c
    case '<=':
      return (d, e) => n(a(d, e)) <= c
    case '>':
      return (d, e) => n(a(d, e)) > c
    case '>=':
      return (d, e) => n(a(d, e)) >= c
  }
}

const binary = (name: string, forms: BinaryForms, sql: OperatorDefinition['sql']): OperatorDefinition => ({
  name,
  arity: { min: 2, max: 2 },
  js: specialize(forms),
  sql,
})

const lessThan = specialize({
  both: (a, b) => (d, e) => n(a(d, e)) < n(b(d, e)),
  right: (a, k) => relationalRight('<', a, k),
  field: (key, k) => fieldVsConstant('<', key, k),
  left: (k, b) => (d, e) => n(k) < n(b(d, e)),
})

const atMost = specialize({
  both: (a, b) => (d, e) => n(a(d, e)) <= n(b(d, e)),
  right: (a, k) => relationalRight('<=', a, k),
  field: (key, k) => fieldVsConstant('<=', key, k),
  left: (k, b) => (d, e) => n(k) <= n(b(d, e)),
})

export const comparisonOperators = defineOperators(
  binary(
    '==',
    {
      both: (a, b) => (d, e) => a(d, e) == b(d, e),
      right: (a, k) => (d, e) => a(d, e) == k,
      field: (key, k) => (d) => readField(d, key) == k,
      fieldBoth: (key, b) => (d, e) => readField(d, key) == b(d, e),
      left: (k, b) => (d, e) => k == b(d, e),
    },
    pairSql(looseEquals),
  ),
  binary(
    '===',
    {
      both: (a, b) => (d, e) => a(d, e) === b(d, e),
      right: (a, k) => (d, e) => a(d, e) === k,
      field: (key, k) => (d) => readField(d, key) === k,
      fieldBoth: (key, b) => (d, e) => readField(d, key) === b(d, e),
      left: (k, b) => (d, e) => k === b(d, e),
    },
    pairSql(strictEquals),
  ),
  binary(
    '!=',
    {
      both: (a, b) => (d, e) => a(d, e) != b(d, e),
      right: (a, k) => (d, e) => a(d, e) != k,
      field: (key, k) => (d) => readField(d, key) != k,
      fieldBoth: (key, b) => (d, e) => readField(d, key) != b(d, e),
      left: (k, b) => (d, e) => k != b(d, e),
    },
    pairSql(negated(looseEquals)),
  ),
  binary(
    '!==',
    {
      both: (a, b) => (d, e) => a(d, e) !== b(d, e),
      right: (a, k) => (d, e) => a(d, e) !== k,
      field: (key, k) => (d) => readField(d, key) !== k,
      fieldBoth: (key, b) => (d, e) => readField(d, key) !== b(d, e),
      left: (k, b) => (d, e) => k !== b(d, e),
    },
    pairSql(negated(strictEquals)),
  ),
  binary(
    '>',
    {
      both: (a, b) => (d, e) => n(a(d, e)) > n(b(d, e)),
      right: (a, k) => relationalRight('>', a, k),
      field: (key, k) => fieldVsConstant('>', key, k),
      left: (k, b) => (d, e) => n(k) > n(b(d, e)),
    },
    relationalSql('>'),
  ),
  binary(
    '>=',
    {
      both: (a, b) => (d, e) => n(a(d, e)) >= n(b(d, e)),
      right: (a, k) => relationalRight('>=', a, k),
      field: (key, k) => fieldVsConstant('>=', key, k),
      left: (k, b) => (d, e) => n(k) >= n(b(d, e)),
    },
    relationalSql('>='),
  ),
  {
    name: '<',
    arity: { min: 2, max: 3 },
    js([a, b, c]) {
      if (!c) return lessThan([a!, b!])
      return markBoolean((d, e) => {
        const middle = b!(d, e) as number
        return (a!(d, e) as number) < middle && middle < (c(d, e) as number)
      })
    },
    sql: relationalSql('<'),
  },
  {
    name: '<=',
    arity: { min: 2, max: 3 },
    js([a, b, c]) {
      if (!c) return atMost([a!, b!])
      return markBoolean((d, e) => {
        const middle = b!(d, e) as number
        return (a!(d, e) as number) <= middle && middle <= (c(d, e) as number)
      })
    },
    sql: relationalSql('<='),
  },
)
