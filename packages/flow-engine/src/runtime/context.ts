// The working context of one `advance` call: a private copy of the state that node modules mutate,
// the effects they emit, and the time and evaluator of this event.
import type { ConditionEvaluator } from '../conditions'
import type { FlowEffect } from '../effects'
import type { Graph } from '../graph'
import type { FlowState, Token } from '../state'
import type { EndNode, FlowEdge } from '../types'

/** How a token came to a node: over an edge, or sent back by a `return` outcome. */
export type Arrival =
  | { kind: 'edge'; edge: FlowEdge }
  | { kind: 'start' }
  | { kind: 'returned'; fromNodeId: string; comment?: string }

export interface Transit {
  token: Token
  nodeId: string
  arrival: Arrival
}

export interface Runtime {
  graph: Graph
  state: FlowState
  effects: FlowEffect[]
  at: string
  evaluator: ConditionEvaluator
  /** Tokens moving between nodes within this call, processed first in, first out. */
  transit: Transit[]
  /** The last end node reached, reported by `complete` when no token is left. */
  lastEnd?: EndNode
  steps: number
}

/** Ids are `<prefix>_<n>` from the state's counter: the same state and event give the same ids. */
export function nextId(rt: Runtime, prefix: string): string {
  rt.state.seq += 1
  return `${prefix}_${rt.state.seq}`
}

export function emit(rt: Runtime, effect: FlowEffect): void {
  rt.effects.push(effect)
}

/** Instance data as conditions see it: `record.*`, `vars.*`, `tasks.<nodeId>.*`, `actions.<nodeId>`. */
export function evaluate(rt: Runtime, logic: unknown): unknown {
  return rt.evaluator(logic, rt.state.data, { now: rt.at, instanceId: rt.state.instanceId })
}

export function recordHistory(
  rt: Runtime,
  token: Token,
  nodeId: string,
  step: 'entered' | 'left' | 'cancelled',
  outcome?: string,
): void {
  rt.state.history.push({ at: rt.at, nodeId, tokenId: token.id, step, ...(outcome ? { outcome } : {}) })
}
