// Exclusive gateway: takes the first outgoing edge (in definition order) whose JsonLogic condition
// is truthy, else the default edge. An edge without a condition counts as true, as in most BPMN
// engines; validateFlow warns about it when the gateway has several ways out.
import { outgoingOf } from '../graph'
import { edgePath, nodePath, type FlowIssue } from '../issues'
import { evaluate } from '../runtime/context'
import { fail, leave } from '../runtime/tokens'
import type { ExclusiveGatewayNode, FlowEdge } from '../types'
import type { NodeType } from './node-type'

/** json-logic-js truthiness: an empty array is false. */
const truthy = (value: unknown): boolean => (Array.isArray(value) ? value.length > 0 : Boolean(value))

export const exclusiveGatewayNode: NodeType<ExclusiveGatewayNode> = {
  kind: 'exclusive_gateway',
  label: 'Exclusive gateway',
  configSchema: { type: 'object', additionalProperties: false },
  validate(node, ctx) {
    const issues: FlowIssue[] = []
    const out = outgoingOf(ctx.graph, node.id)
    const defaults = out.filter((edge) => edge.default)
    const at = (edge: FlowEdge, rest?: string) => ({
      path: edgePath(edge.id, rest),
      nodeId: node.id,
      edgeId: edge.id,
    })
    if (out.length > 1 && defaults.length === 0)
      issues.push({
        code: 'gateway_without_default',
        severity: 'warning',
        message: `gateway "${node.name ?? node.id}" has no default edge: the instance fails when no condition holds`,
        path: nodePath(node.id),
        nodeId: node.id,
      })
    if (defaults.length > 1)
      issues.push({
        code: 'multiple_defaults',
        severity: 'error',
        message: `gateway "${node.name ?? node.id}" has ${defaults.length} default edges`,
        path: nodePath(node.id),
        nodeId: node.id,
      })
    for (const edge of out) {
      if (edge.on !== undefined)
        issues.push({
          code: 'unused_edge_trigger',
          severity: 'warning',
          message: `edge "${edge.id}" is taken on "${edge.on}", which a gateway never produces`,
          ...at(edge, 'on'),
        })
      if (edge.default) continue
      if (edge.conditionText && edge.condition === undefined)
        issues.push({
          code: 'bad_condition',
          severity: 'error',
          message: `condition "${edge.conditionText.body}" (${edge.conditionText.language ?? 'unknown language'}) must be rewritten as JsonLogic`,
          ...at(edge, 'conditionText'),
        })
      else if (edge.condition !== undefined) {
        const problem = ctx.checkLogic(edge.condition)
        if (problem)
          issues.push({
            code: 'bad_condition',
            severity: 'error',
            message: problem,
            ...at(edge, 'condition'),
          })
      } else if (out.length > 1)
        issues.push({
          code: 'missing_condition',
          severity: 'warning',
          message: `edge "${edge.id}" has no condition and is always taken when reached`,
          ...at(edge, 'condition'),
        })
    }
    return issues
  },
  enter(rt, token, node) {
    const out = outgoingOf(rt.graph, node.id)
    let chosen: FlowEdge | undefined
    for (const edge of out) {
      if (edge.default) continue
      if (edge.condition === undefined) {
        if (edge.conditionText)
          return fail(rt, 'bad_condition', `edge "${edge.id}" has a condition that is not JsonLogic`, node.id)
        chosen = edge
        break
      }
      let value: unknown
      try {
        value = evaluate(rt, edge.condition)
      } catch (error) {
        return fail(rt, 'bad_condition', `edge "${edge.id}": ${String(error)}`, node.id)
      }
      if (truthy(value)) {
        chosen = edge
        break
      }
    }
    chosen ??= out.find((edge) => edge.default)
    if (!chosen)
      return fail(
        rt,
        'no_matching_edge',
        `no condition holds at "${node.id}" and there is no default`,
        node.id,
      )
    leave(rt, token, [chosen])
  },
  exits(node, graph) {
    return outgoingOf(graph, node.id).map((edge) => [edge])
  },
}
