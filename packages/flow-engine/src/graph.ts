// Lookup tables over a definition, built once per call. Edge order is the definition's order, which
// is the order exclusive gateways try their conditions in.
import type { FlowDefinition, FlowEdge, FlowNode } from './types'

export interface Graph {
  def: FlowDefinition
  nodes: Map<string, FlowNode>
  outgoing: Map<string, FlowEdge[]>
  incoming: Map<string, FlowEdge[]>
}

const cache = new WeakMap<FlowDefinition, Graph>()

export function graphOf(def: FlowDefinition): Graph {
  const cached = cache.get(def)
  if (cached) return cached
  const nodes = new Map<string, FlowNode>()
  const outgoing = new Map<string, FlowEdge[]>()
  const incoming = new Map<string, FlowEdge[]>()
  for (const node of def.nodes) {
    if (!nodes.has(node.id)) nodes.set(node.id, node)
    outgoing.set(node.id, [])
    incoming.set(node.id, [])
  }
  for (const edge of def.edges) {
    outgoing.get(edge.source)?.push(edge)
    incoming.get(edge.target)?.push(edge)
  }
  const graph = { def, nodes, outgoing, incoming }
  cache.set(def, graph)
  return graph
}

export const outgoingOf = (graph: Graph, nodeId: string): FlowEdge[] => graph.outgoing.get(nodeId) ?? []
export const incomingOf = (graph: Graph, nodeId: string): FlowEdge[] => graph.incoming.get(nodeId) ?? []

/** The edges a node leaves by normally: those without a trigger, plus `approve` ones. */
export const normalEdges = (edges: FlowEdge[]): FlowEdge[] =>
  edges.filter((edge) => edge.on === undefined || edge.on === 'approve')

/** A parallel gateway with several incoming edges waits for all of them. */
export const isJoin = (graph: Graph, node: FlowNode): boolean =>
  node.kind === 'parallel_gateway' && incomingOf(graph, node.id).length > 1
