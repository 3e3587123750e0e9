// User task: a person decides. Outcomes: approve (the normal way out), reject (the `reject` edges,
// else the normal ones so a gateway can read `tasks.<id>.outcome`), return (the `return` edges, else
// back to the user task completed before this one). A due time escalates along the `due` edges.
import { normalEdges, outgoingOf } from '../graph'
import { nodePath, type FlowIssue } from '../issues'
import { emit, evaluate, nextId, recordHistory } from '../runtime/context'
import { fail, leave, park, send, unpark } from '../runtime/tokens'
import type { ResolvedAssignee } from '../state'
import { resolveDue } from '../time-spec'
import type { Assignee, Outcome, UserTaskNode } from '../types'
import type { NodeType } from './node-type'
import { timeSpecSchema, validateTimeSpec } from './time-spec-schema'

export const ALL_OUTCOMES: Outcome[] = ['approve', 'reject', 'return']

const outcomesOf = (node: UserTaskNode): Outcome[] => node.config.outcomes ?? ALL_OUTCOMES

function readPath(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

function resolveAssignee(assignee: Assignee | undefined, record: Record<string, unknown>): ResolvedAssignee {
  if (!assignee) return { kind: 'unresolved', reason: 'no_assignee' }
  switch (assignee.kind) {
    case 'user':
    case 'role':
      return assignee
    case 'field': {
      const value = readPath(record, assignee.field)
      return typeof value === 'string' && value !== ''
        ? { kind: 'user', userId: value }
        : typeof value === 'number'
          ? { kind: 'user', userId: String(value) }
          : { kind: 'unresolved', field: assignee.field, reason: 'empty_field' }
    }
  }
}

export const userTaskNode: NodeType<UserTaskNode> = {
  kind: 'user_task',
  label: 'User task',
  configSchema: {
    type: 'object',
    properties: {
      assignee: {
        oneOf: [
          {
            type: 'object',
            required: ['kind', 'userId'],
            properties: { kind: { const: 'user' }, userId: { type: 'string', minLength: 1 } },
            additionalProperties: false,
          },
          {
            type: 'object',
            required: ['kind', 'role'],
            properties: { kind: { const: 'role' }, role: { type: 'string', minLength: 1 } },
            additionalProperties: false,
          },
          {
            type: 'object',
            required: ['kind', 'field'],
            properties: { kind: { const: 'field' }, field: { type: 'string', minLength: 1 } },
            additionalProperties: false,
          },
        ],
      },
      form: { type: 'string', minLength: 1 },
      outcomes: {
        type: 'array',
        items: { enum: ALL_OUTCOMES },
        minItems: 1,
        uniqueItems: true,
      },
      due: timeSpecSchema,
    },
    additionalProperties: false,
  },

  validate(node, ctx) {
    const issues: FlowIssue[] = []
    const out = outgoingOf(ctx.graph, node.id)
    if (!node.config.assignee)
      issues.push({
        code: 'missing_assignee',
        severity: 'warning',
        message: `user task "${node.name ?? node.id}" has no assignee: its tasks land in an unassigned queue`,
        path: nodePath(node.id, 'config.assignee'),
        nodeId: node.id,
      })
    const dueEdges = out.filter((edge) => edge.on === 'due')
    if (node.config.due) {
      issues.push(...validateTimeSpec(node.config.due, node.id, 'config.due', ctx))
      if (dueEdges.length === 0)
        issues.push({
          code: 'missing_escalation_path',
          severity: 'error',
          message: 'a due time needs an edge marked `on: due` to escalate along',
          path: nodePath(node.id, 'config.due'),
          nodeId: node.id,
        })
    } else if (dueEdges.length > 0) {
      issues.push({
        code: 'escalation_without_due',
        severity: 'warning',
        message: 'an `on: due` edge is never taken without a due time',
        path: nodePath(node.id, 'config.due'),
        nodeId: node.id,
      })
    }
    for (const edge of out) {
      if (edge.on === 'error' || (edge.on && edge.on !== 'due' && !outcomesOf(node).includes(edge.on)))
        issues.push({
          code: 'unused_edge_trigger',
          severity: 'warning',
          message: `edge "${edge.id}" is taken on "${edge.on}", which this task never produces`,
          path: `edges.${edge.id}.on`,
          nodeId: node.id,
          edgeId: edge.id,
        })
    }
    return issues
  },

  enter(rt, token, node, arrival) {
    const taskId = nextId(rt, 'task')
    let dueAt: string | undefined
    let dueTimerId: string | undefined
    if (node.config.due) {
      const due = resolveDue(node.config.due, rt.at, (logic) => evaluate(rt, logic))
      if (!due.ok) return fail(rt, due.code, due.message, node.id)
      dueAt = due.dueAt
      dueTimerId = nextId(rt, 'timer')
    }
    emit(rt, {
      kind: 'create_task',
      taskId,
      nodeId: node.id,
      ...(node.name ? { name: node.name } : {}),
      assignee: resolveAssignee(node.config.assignee, rt.state.data.record),
      ...(node.config.form ? { form: node.config.form } : {}),
      outcomes: outcomesOf(node),
      ...(dueAt ? { dueAt } : {}),
      ...(arrival.kind === 'returned'
        ? {
            returned: {
              fromNodeId: arrival.fromNodeId,
              ...(arrival.comment !== undefined ? { comment: arrival.comment } : {}),
            },
          }
        : {}),
    })
    if (dueAt && dueTimerId)
      emit(rt, { kind: 'schedule_timer', timerId: dueTimerId, nodeId: node.id, dueAt, purpose: 'due' })
    park(rt, token, { kind: 'task', taskId, ...(dueTimerId ? { dueTimerId } : {}) })
  },

  onTaskCompleted(rt, token, node, event) {
    if (!outcomesOf(node).includes(event.outcome))
      return {
        code: 'outcome_not_allowed',
        message: `task "${event.taskId}" does not offer "${event.outcome}"`,
        path: nodePath(node.id, 'config.outcomes'),
      }
    const out = outgoingOf(rt.graph, node.id)
    const returnEdges = out.filter((edge) => edge.on === 'return')
    if (event.outcome === 'return' && returnEdges.length === 0 && token.trail.length === 0)
      return {
        code: 'nothing_to_return_to',
        message: `no earlier task to return "${event.taskId}" to`,
        path: nodePath(node.id),
      }

    unpark(rt, token)
    if (token.wait.kind === 'task' && token.wait.dueTimerId)
      emit(rt, { kind: 'cancel_timer', timerId: token.wait.dueTimerId, nodeId: node.id })
    const data = rt.state.data
    data.tasks[node.id] = {
      taskId: event.taskId,
      outcome: event.outcome,
      at: event.at,
      ...(event.comment !== undefined ? { comment: event.comment } : {}),
      ...(event.form !== undefined ? { form: event.form } : {}),
      ...(event.by !== undefined ? { by: event.by } : {}),
    }
    // The form edits the record; later conditions must see the edited values.
    if (event.form) data.record = { ...data.record, ...event.form }

    switch (event.outcome) {
      case 'return': {
        if (returnEdges.length > 0) return leave(rt, token, returnEdges, 'return')
        const previous = token.trail.pop()!
        recordHistory(rt, token, node.id, 'left', 'return')
        send(rt, token, previous, {
          kind: 'returned',
          fromNodeId: node.id,
          ...(event.comment !== undefined ? { comment: event.comment } : {}),
        })
        return
      }
      case 'approve':
        token.trail.push(node.id)
        return leave(rt, token, normalEdges(out), 'approve')
      case 'reject': {
        token.trail.push(node.id)
        const rejectEdges = out.filter((edge) => edge.on === 'reject')
        return leave(
          rt,
          token,
          rejectEdges.length > 0 ? rejectEdges : out.filter((edge) => edge.on === undefined),
          'reject',
        )
      }
    }
  },

  onTimerFired(rt, token, node) {
    if (token.wait.kind !== 'task') return
    unpark(rt, token)
    emit(rt, { kind: 'cancel_task', taskId: token.wait.taskId, nodeId: node.id, reason: 'escalated' })
    const dueEdges = outgoingOf(rt.graph, node.id).filter((edge) => edge.on === 'due')
    if (dueEdges.length === 0)
      return fail(rt, 'missing_escalation_path', 'no `due` edge to escalate along', node.id)
    leave(rt, token, dueEdges, 'due')
  },

  exits(node, graph) {
    const out = outgoingOf(graph, node.id)
    const by = (on: string) => out.filter((edge) => edge.on === on)
    const exits = [normalEdges(out)]
    if (by('reject').length > 0) exits.push(by('reject'))
    if (by('due').length > 0) exits.push(by('due'))
    if (by('return').length > 0) exits.push(by('return'))
    return exits
  },
}
