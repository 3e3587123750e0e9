/**
 * JsonLogic parsed into small frozen nodes with a `kind` discriminant, so the JS and SQL
 * compilers are two visitors over the same checked tree. `path` is the JSON path of the node
 * in the original logic (`and.1.in.0`), used by every error.
 */
export type LogicNode = LiteralNode | ArrayNode | OperatorNode

export interface LiteralNode {
  readonly kind: 'literal'
  readonly value: unknown
  readonly path: string
}

/** A JSON array: JsonLogic evaluates each item, so `[1, {"var":"a"}]` is an array of results. */
export interface ArrayNode {
  readonly kind: 'array'
  readonly items: readonly LogicNode[]
  readonly path: string
}

export interface OperatorNode {
  readonly kind: 'operator'
  readonly op: string
  readonly args: readonly LogicNode[]
  readonly path: string
}

/** A node whose value is known without data (no `var` on record data inside). */
export function isLiteral(node: LogicNode): node is LiteralNode {
  return node.kind === 'literal'
}
