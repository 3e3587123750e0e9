// Parallel gateway: with several outgoing edges it forks; with several incoming edges it joins,
// parking arrivals until a token has come over every incoming edge. A gateway may do both.
import { incomingOf, outgoingOf } from '../graph'
import { nodePath, type FlowIssue } from '../issues'
import { recordHistory } from '../runtime/context'
import { leave, park } from '../runtime/tokens'
import type { ParallelGatewayNode } from '../types'
import type { NodeType } from './node-type'

export const parallelGatewayNode: NodeType<ParallelGatewayNode> = {
  kind: 'parallel_gateway',
  label: 'Parallel gateway',
  configSchema: { type: 'object', additionalProperties: false },
  validate(node, { graph }) {
    const issues: FlowIssue[] = []
    if (incomingOf(graph, node.id).length <= 1 && outgoingOf(graph, node.id).length <= 1)
      issues.push({
        code: 'useless_gateway',
        severity: 'warning',
        message: 'a parallel gateway with one way in and one way out does nothing',
        path: nodePath(node.id),
        nodeId: node.id,
      })
    return issues
  },
  enter(rt, token, node, arrival) {
    const incoming = incomingOf(rt.graph, node.id)
    if (incoming.length <= 1 || arrival.kind !== 'edge') {
      leave(rt, token, outgoingOf(rt.graph, node.id))
      return
    }
    park(rt, token, { kind: 'join', edgeId: arrival.edge.id })
    // The earliest waiting token per incoming edge; all present means the join fires.
    const waiting = rt.state.tokens.filter((t) => t.nodeId === node.id && t.wait.kind === 'join')
    const picked = incoming.map((edge) =>
      waiting.find((t) => t.wait.kind === 'join' && t.wait.edgeId === edge.id),
    )
    if (picked.some((t) => t === undefined)) return
    const consumed = new Set(picked.map((t) => t!.id))
    rt.state.tokens = rt.state.tokens.filter((t) => !consumed.has(t.id))
    // The token picked on the edge that completed the join carries on; an arrival on an edge that
    // already had a token waits for the next round. A join, like a fork, is a barrier for `return`.
    const carrier = picked[incoming.findIndex((edge) => edge.id === arrival.edge.id)]!
    carrier.trail = []
    for (const t of picked) if (t !== carrier) recordHistory(rt, t!, node.id, 'left')
    leave(rt, carrier, outgoingOf(rt.graph, node.id))
  },
  exits(node, graph) {
    return [outgoingOf(graph, node.id)]
  },
}
