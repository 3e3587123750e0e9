// Start: where `start` events put the first token. The trigger (manual, record event, rule) is read
// by the host to decide when to send `start`; the engine only needs the way out.
import { normalEdges, outgoingOf } from '../graph'
import { nodePath, type FlowIssue } from '../issues'
import { leave } from '../runtime/tokens'
import type { StartNode } from '../types'
import type { NodeType } from './node-type'

export const startNode: NodeType<StartNode> = {
  kind: 'start',
  label: 'Start',
  configSchema: {
    type: 'object',
    required: ['trigger'],
    properties: {
      trigger: {
        oneOf: [
          {
            type: 'object',
            required: ['kind'],
            properties: { kind: { const: 'manual' } },
            additionalProperties: false,
          },
          {
            type: 'object',
            required: ['kind', 'form', 'event'],
            properties: {
              kind: { const: 'record_event' },
              form: { type: 'string', minLength: 1 },
              event: { enum: ['created', 'updated', 'deleted'] },
              fields: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
              condition: {},
            },
            additionalProperties: false,
          },
          {
            type: 'object',
            required: ['kind'],
            properties: { kind: { const: 'rule' }, rule: { type: 'string' } },
            additionalProperties: false,
          },
        ],
      },
    },
  },
  validate(node, { graph, checkLogic }) {
    const issues: FlowIssue[] = []
    const trigger = node.config?.trigger
    if (trigger?.kind === 'record_event' && trigger.condition !== undefined) {
      const problem = checkLogic(trigger.condition)
      if (problem)
        issues.push({
          code: 'bad_condition',
          severity: 'error',
          message: problem,
          path: nodePath(node.id, 'config.trigger.condition'),
          nodeId: node.id,
        })
    }
    if ((graph.incoming.get(node.id) ?? []).length > 0)
      issues.push({
        code: 'start_has_incoming',
        severity: 'error',
        message: 'a start node cannot have incoming edges',
        path: nodePath(node.id),
        nodeId: node.id,
      })
    return issues
  },
  enter(rt, token, _node) {
    leave(rt, token, normalEdges(outgoingOf(rt.graph, token.nodeId)))
  },
  exits(node, graph) {
    return [normalEdges(outgoingOf(graph, node.id))]
  },
}
