// Service task: any rule action, executed by the host, which reports back with `action_completed`
// or `action_failed`. A failure follows the `error` edges, or fails the instance when there are none.
import { normalEdges, outgoingOf } from '../graph'
import type { FlowIssue } from '../issues'
import { emit, nextId } from '../runtime/context'
import { fail, leave, park, unpark } from '../runtime/tokens'
import type { ServiceTaskNode } from '../types'
import type { NodeType } from './node-type'

export const serviceTaskNode: NodeType<ServiceTaskNode> = {
  kind: 'service_task',
  label: 'Service task',
  configSchema: {
    type: 'object',
    required: ['action'],
    properties: {
      action: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string', minLength: 1 } },
      },
    },
    additionalProperties: false,
  },
  validate(node, { graph }) {
    const issues: FlowIssue[] = []
    for (const edge of outgoingOf(graph, node.id)) {
      if (edge.on !== undefined && edge.on !== 'error')
        issues.push({
          code: 'unused_edge_trigger',
          severity: 'warning',
          message: `edge "${edge.id}" is taken on "${edge.on}", which a service task never produces`,
          path: `edges.${edge.id}.on`,
          nodeId: node.id,
          edgeId: edge.id,
        })
    }
    return issues
  },
  enter(rt, token, node) {
    const actionId = nextId(rt, 'action')
    emit(rt, { kind: 'run_action', actionId, nodeId: node.id, action: node.config.action })
    park(rt, token, { kind: 'action', actionId })
  },
  onActionCompleted(rt, token, node, event) {
    unpark(rt, token)
    rt.state.data.actions[node.id] = event.result ?? null
    leave(rt, token, normalEdges(outgoingOf(rt.graph, node.id)))
  },
  onActionFailed(rt, token, node, event) {
    unpark(rt, token)
    rt.state.data.actions[node.id] = { error: event.error }
    const errorEdges = outgoingOf(rt.graph, node.id).filter((edge) => edge.on === 'error')
    if (errorEdges.length === 0)
      return fail(rt, event.error.code ?? 'action_failed', event.error.message, node.id)
    leave(rt, token, errorEdges, 'error')
  },
  exits(node, graph) {
    const out = outgoingOf(graph, node.id)
    const errorEdges = out.filter((edge) => edge.on === 'error')
    return errorEdges.length > 0 ? [normalEdges(out), errorEdges] : [normalEdges(out)]
  },
}
