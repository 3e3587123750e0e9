import { ConditionError } from '../errors.js'
import { compileNode } from '../js/compile-node.js'
import { createEnv, DEFAULT_TIME_ZONE, nowMs } from '../js/env.js'
import { findOperator } from '../operators/registry.js'
import type { LogicNode } from '../parse/nodes.js'
import { assertTimeZone, localDateOfInstant, type LocalDate } from '../time/zoned-time.js'
import type { ConditionIssue, SqlField, SqlScope } from '../types.js'
import { constant, type BoolValue, type PoisonValue, type SqlCompiler, type SqlValue } from './sql-value.js'
import { truthySql } from './truthy-sql.js'

function holdsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value) && depth < 4) return value.some((item) => holdsNul(item, depth + 1))
  return false
}

/**
 * The SQL visitor. Subtrees that read no record data are evaluated once in JS (so `$user.store`,
 * `now`, `date_add` on constants… are exact and bound as parameters); the rest goes through each
 * operator's SQL form. In 'throw' mode the first issue throws; in 'collect' mode issues pile up.
 */
export class SqlCompilation implements SqlCompiler {
  readonly issues: ConditionIssue[] = []
  readonly timeZone: string
  readonly nowMs: number
  readonly today: LocalDate
  private readonly readsDataMemo = new WeakMap<LogicNode, boolean>()

  constructor(
    private readonly scope: SqlScope,
    private readonly mode: 'throw' | 'collect',
  ) {
    const zone = scope.timeZone ?? scope.context?.timeZone
    this.timeZone = typeof zone === 'string' && zone ? zone : DEFAULT_TIME_ZONE
    try {
      assertTimeZone(this.timeZone)
    } catch {
      throw new ConditionError('invalid_time_zone', `Unknown time zone "${this.timeZone}"`, '')
    }
    const now = scope.now ?? scope.context?.now
    this.nowMs = nowMs(createEnv(now === undefined ? undefined : { now }, this.timeZone, undefined))
    if (Number.isNaN(this.nowMs))
      throw new ConditionError('invalid_now', 'The "now" of the scope is not a date', '')
    this.today = localDateOfInstant(this.nowMs, this.timeZone)
  }

  fail(code: string, message: string, path: string): PoisonValue {
    if (this.mode === 'throw') throw new ConditionError(code, message, path)
    this.issues.push({ code, message: path ? `${message} (at ${path})` : message, path })
    return { kind: 'poison', path }
  }

  field(name: string): SqlField | undefined {
    return Object.prototype.hasOwnProperty.call(this.scope.fields, name) ? this.scope.fields[name] : undefined
  }

  value(node: LogicNode): SqlValue {
    const value = this.raw(node)
    if (value.kind === 'bool' && value.truthOnly) {
      return this.fail(
        'unsupported_in_sql',
        'Only the truth of this expression is known in SQL (and/or/if return an operand, not a boolean); compare inside it instead',
        node.path,
      )
    }
    return value
  }

  truth(node: LogicNode): BoolValue | PoisonValue {
    return truthySql(this.raw(node), this)
  }

  private raw(node: LogicNode): SqlValue {
    if (node.kind === 'literal' || !this.readsData(node)) {
      const value = node.kind === 'literal' ? constant(node.value, node.path) : this.evaluate(node)
      // PostgreSQL text cannot hold NUL: refuse here rather than fail when the query runs.
      if (value.kind === 'const' && holdsNul(value.value, 0)) {
        return this.fail('invalid_value', 'Text values cannot contain the NUL character in SQL', node.path)
      }
      return value
    }
    if (node.kind === 'array') {
      return this.fail(
        'unsupported_in_sql',
        'A list built from record fields is not supported in SQL',
        node.path,
      )
    }
    const definition = findOperator(node.op)!
    if (!definition.sql) {
      return this.fail('unsupported_in_sql', `Operator "${node.op}" is not supported in SQL`, node.path)
    }
    return definition.sql(node, this)
  }

  private evaluate(node: LogicNode): SqlValue {
    try {
      const env = createEnv(this.scope.context, this.timeZone, undefined)
      env.nowMs = this.nowMs
      return constant(compileNode(node)(null, env), node.path)
    } catch (error) {
      if (error instanceof ConditionError) return this.fail(error.code, error.message, error.path)
      throw error
    }
  }

  private readsData(node: LogicNode): boolean {
    if (node.kind === 'literal') return false
    const memo = this.readsDataMemo.get(node)
    if (memo !== undefined) return memo
    let result: boolean
    if (node.kind === 'array') {
      result = node.items.some((item) => this.readsData(item))
    } else {
      const own = findOperator(node.op)?.readsData?.(node) ?? false
      result = own || node.args.some((arg) => this.readsData(arg))
    }
    this.readsDataMemo.set(node, result)
    return result
  }
}
