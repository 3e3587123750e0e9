// The node registry: one small module per kind. Adding a kind means adding it to `FlowNode` and here;
// the `satisfies` clause makes a missing entry a type error.
import type { FlowNode, NodeKind } from '../types'
import { endNode } from './end'
import { exclusiveGatewayNode } from './exclusive-gateway'
import type { NodeType } from './node-type'
import { parallelGatewayNode } from './parallel-gateway'
import { serviceTaskNode } from './service-task'
import { startNode } from './start'
import { timerNode } from './timer'
import { userTaskNode } from './user-task'

export const nodeTypes = {
  start: startNode,
  user_task: userTaskNode,
  service_task: serviceTaskNode,
  exclusive_gateway: exclusiveGatewayNode,
  parallel_gateway: parallelGatewayNode,
  timer: timerNode,
  end: endNode,
} satisfies { [K in NodeKind]: NodeType<Extract<FlowNode, { kind: K }>> }

export const isNodeKind = (kind: unknown): kind is NodeKind =>
  typeof kind === 'string' && Object.hasOwn(nodeTypes, kind)

/** The module of a node, typed loosely so the core can call it without knowing the kind. */
export const nodeTypeOf = (node: FlowNode): NodeType => nodeTypes[node.kind] as unknown as NodeType
