import type { LogicNode } from '../parse/nodes.js'
import { findOperator } from '../operators/registry.js'
import type { Evaluator } from './env.js'

/** The JS visitor: each node becomes one closure, built once. */
export function compileNode(node: LogicNode): Evaluator {
  switch (node.kind) {
    case 'literal': {
      const value = node.value
      return () => value
    }
    case 'array': {
      const items = node.items.map(compileNode)
      return (data, env) => items.map((item) => item(data, env))
    }
    case 'operator': {
      // parseLogic has already refused unknown operators.
      const definition = findOperator(node.op)!
      return definition.js(node.args.map(compileNode), node)
    }
  }
}
