// Moving tokens: parking them at wait states, sending them along edges, and tearing everything down
// when the instance ends early.
import { emit, nextId, recordHistory, type Arrival, type Runtime } from './context'
import type { Token, Wait } from '../state'
import type { FlowEdge } from '../types'

export function park(rt: Runtime, token: Token, wait: Wait): void {
  token.wait = wait
  rt.state.tokens.push(token)
}

export function unpark(rt: Runtime, token: Token): void {
  rt.state.tokens = rt.state.tokens.filter((t) => t.id !== token.id)
}

export function send(rt: Runtime, token: Token, nodeId: string, arrival: Arrival): void {
  rt.transit.push({ token, nodeId, arrival })
}

/** Leaves the token's node over `edges`: one edge moves the token, several fork it. */
export function leave(rt: Runtime, token: Token, edges: FlowEdge[], outcome?: string): void {
  recordHistory(rt, token, token.nodeId, 'left', outcome)
  if (edges.length === 0) {
    fail(rt, 'dead_end', `node "${token.nodeId}" has no way out`, token.nodeId)
    return
  }
  if (edges.length === 1) {
    send(rt, token, edges[0]!.target, { kind: 'edge', edge: edges[0]! })
    return
  }
  // A fork is a barrier for `return`: going back past it would rerun the fork beside live branches.
  for (const edge of edges) {
    const child: Token = { id: nextId(rt, 'token'), nodeId: edge.target, wait: token.wait, trail: [] }
    send(rt, child, edge.target, { kind: 'edge', edge })
  }
}

type CancelReason = 'escalated' | 'cancelled' | 'terminated' | 'failed'

/** Cancels what a parked token waits on (its task and due timer, or its timer). */
export function cancelWait(rt: Runtime, token: Token, reason: CancelReason): void {
  const wait = token.wait
  switch (wait.kind) {
    case 'task':
      emit(rt, { kind: 'cancel_task', taskId: wait.taskId, nodeId: token.nodeId, reason })
      if (wait.dueTimerId) emit(rt, { kind: 'cancel_timer', timerId: wait.dueTimerId, nodeId: token.nodeId })
      return
    case 'timer':
      emit(rt, { kind: 'cancel_timer', timerId: wait.timerId, nodeId: token.nodeId })
      return
    case 'action':
    case 'join':
      // An action already handed to the host cannot be recalled; its late result is ignored.
      return
  }
}

/** Removes every token (parked or in transit) except `keep`, cancelling what they wait on. */
export function cancelAll(rt: Runtime, reason: CancelReason, keep?: Token): void {
  for (const token of rt.state.tokens) {
    if (token === keep) continue
    cancelWait(rt, token, reason)
    recordHistory(rt, token, token.nodeId, 'cancelled')
  }
  rt.state.tokens = keep && rt.state.tokens.includes(keep) ? [keep] : []
  rt.transit = []
}

export function fail(rt: Runtime, code: string, message: string, nodeId?: string): void {
  if (rt.state.status !== 'running') return
  cancelAll(rt, 'failed')
  rt.state.status = 'failed'
  rt.state.endedAt = rt.at
  rt.state.error = { code, message, ...(nodeId ? { nodeId } : {}) }
  emit(rt, { kind: 'fail', code, message, ...(nodeId ? { nodeId } : {}) })
}
