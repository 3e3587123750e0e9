// Timer: waits until a duration has passed or a computed date has come.
import { normalEdges, outgoingOf } from '../graph'
import { emit, evaluate, nextId } from '../runtime/context'
import { fail, leave, park, unpark } from '../runtime/tokens'
import { resolveDue } from '../time-spec'
import type { TimerNode } from '../types'
import type { NodeType } from './node-type'
import { timeSpecSchema, validateTimeSpec } from './time-spec-schema'

export const timerNode: NodeType<TimerNode> = {
  kind: 'timer',
  label: 'Timer',
  configSchema: {
    type: 'object',
    required: ['timer'],
    properties: { timer: timeSpecSchema },
    additionalProperties: false,
  },
  validate(node, ctx) {
    return validateTimeSpec(node.config.timer, node.id, 'config.timer', ctx)
  },
  enter(rt, token, node) {
    const due = resolveDue(node.config.timer, rt.at, (logic) => evaluate(rt, logic))
    if (!due.ok) return fail(rt, due.code, due.message, node.id)
    const timerId = nextId(rt, 'timer')
    emit(rt, { kind: 'schedule_timer', timerId, nodeId: node.id, dueAt: due.dueAt, purpose: 'timer' })
    park(rt, token, { kind: 'timer', timerId })
  },
  onTimerFired(rt, token, node) {
    unpark(rt, token)
    leave(rt, token, normalEdges(outgoingOf(rt.graph, node.id)))
  },
  exits(node, graph) {
    return [normalEdges(outgoingOf(graph, node.id))]
  },
}
