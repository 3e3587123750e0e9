import type { Evaluator } from '../js/env.js'
import type { OperatorNode } from '../parse/nodes.js'
import type { SqlCompiler, SqlValue } from '../sql/sql-value.js'

/**
 * One operator = one small object: its arity, its JS form (closures over compiled arguments)
 * and, when it belongs to the SQL subset, its SQL form. `registry.ts` lists them all.
 */
export interface OperatorDefinition {
  readonly name: string
  readonly arity: { readonly min: number; readonly max?: number }
  /** Builds the closure once; `args` are the compiled arguments, evaluated (or not) by the operator. */
  js(args: readonly Evaluator[], node: OperatorNode): Evaluator
  /** Absent: outside the SQL subset. Constant subtrees never reach here (they are evaluated in JS). */
  sql?(node: OperatorNode, compiler: SqlCompiler): SqlValue
  /** Reads record data (so the subtree cannot be folded to a constant for SQL). */
  readonly readsData?: (node: OperatorNode) => boolean
  /**
   * The result depends on more than the arguments (data, context, clock, zone) or has an effect:
   * such subtrees are never folded into constants when compiling to JS.
   */
  readonly impure?: true
}

export function defineOperators(...definitions: OperatorDefinition[]): OperatorDefinition[] {
  return definitions
}
