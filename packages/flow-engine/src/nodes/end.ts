// End: consumes a token. The instance completes when no token is left; a terminating end completes
// it at once and cancels every other branch.
import { outgoingOf } from '../graph'
import { nodePath, type FlowIssue } from '../issues'
import { recordHistory } from '../runtime/context'
import { cancelAll } from '../runtime/tokens'
import type { EndNode } from '../types'
import type { NodeType } from './node-type'

export const endNode: NodeType<EndNode> = {
  kind: 'end',
  label: 'End',
  configSchema: {
    type: 'object',
    properties: { result: { type: 'string' }, terminate: { type: 'boolean' } },
    additionalProperties: false,
  },
  validate(node, { graph }) {
    const issues: FlowIssue[] = []
    if (outgoingOf(graph, node.id).length > 0)
      issues.push({
        code: 'end_has_outgoing',
        severity: 'error',
        message: 'an end node cannot have outgoing edges',
        path: nodePath(node.id),
        nodeId: node.id,
      })
    return issues
  },
  enter(rt, token, node) {
    recordHistory(rt, token, node.id, 'left')
    rt.lastEnd = node
    if (node.config.terminate) cancelAll(rt, 'terminated')
  },
  exits() {
    return []
  },
}
