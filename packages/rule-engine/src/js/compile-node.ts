import type { LogicNode } from '../parse/nodes.js'
import { findOperator } from '../operators/registry.js'
import { constantClosure } from './constants.js'
import { createEnv, type Evaluator } from './env.js'

/** The JS visitor: each node becomes one closure, built once. */
export function compileNode(node: LogicNode): Evaluator {
  const evaluator = build(node)
  if (node.kind !== 'literal' && isPure(node)) {
    // A subtree of pure operators over literals ({"in": ["a", ["a","b"]]}) is computed once here.
    // Only primitive results are folded: a shared array or object could be modified by a caller.
    try {
      const value = evaluator(null, createEnv(undefined, 'UTC', undefined))
      if (value === null || typeof value !== 'object') return constantClosure(value)
    } catch {
      // Left to fail (or not) at run time, exactly as it would unfolded.
    }
  }
  return evaluator
}

function build(node: LogicNode): Evaluator {
  switch (node.kind) {
    case 'literal': {
      const value = node.value
      // Only primitives count as constants: an array literal is handed out as is, like json-logic-js.
      return value === null || typeof value !== 'object' ? constantClosure(value) : () => value
    }
    case 'array': {
      const items = node.items.map(compileNode)
      return (data, env) => {
        const out = new Array<unknown>(items.length)
        for (let i = 0; i < items.length; i++) out[i] = items[i]!(data, env)
        return out
      }
    }
    case 'operator': {
      // parseLogic has already refused unknown operators.
      const definition = findOperator(node.op)!
      return definition.js(node.args.map(compileNode), node)
    }
  }
}

const pureMemo = new WeakMap<LogicNode, boolean>()

function isPure(node: LogicNode): boolean {
  if (node.kind === 'literal') return true
  const known = pureMemo.get(node)
  if (known !== undefined) return known
  const pure =
    node.kind === 'array'
      ? node.items.every(isPure)
      : !findOperator(node.op)!.impure && node.args.every(isPure)
  pureMemo.set(node, pure)
  return pure
}
