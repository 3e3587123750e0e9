// The contract of a node module. Each node kind lives in one file of this folder and is registered
// in `registry.ts`; the engine core knows nothing kind-specific.
import type { ActionCompletedEvent, ActionFailedEvent, TaskCompletedEvent, TimerFiredEvent } from '../events'
import type { Graph } from '../graph'
import type { FlowIssue } from '../issues'
import type { Arrival, Runtime } from '../runtime/context'
import type { Token } from '../state'
import type { FlowEdge, FlowNode } from '../types'

/** A JSON Schema (draft 2020-12 subset understood by ajv) for a node's `config`. */
export type JsonSchema = Record<string, unknown>

/** Returned by an event handler that will not take the event; the state is then left as it was. */
export interface Rejection {
  code: string
  message: string
  path?: string
}

export interface ValidateContext {
  graph: Graph
  /** Checks a JsonLogic expression; returns a message when it is unusable. */
  checkLogic(logic: unknown): string | null
}

export interface NodeType<N extends FlowNode = FlowNode> {
  kind: N['kind']
  /** Shown in the designer's palette. */
  label: string
  configSchema: JsonSchema
  /** Checks beyond the schema, e.g. a user task without assignee. */
  validate(node: N, ctx: ValidateContext): FlowIssue[]
  /** A token arrives. The node either passes it on (`leave`) or parks it to wait for an event. */
  enter(rt: Runtime, token: Token, node: N, arrival: Arrival): void
  onTaskCompleted?(rt: Runtime, token: Token, node: N, event: TaskCompletedEvent): Rejection | void
  onTimerFired?(rt: Runtime, token: Token, node: N, event: TimerFiredEvent): Rejection | void
  onActionCompleted?(rt: Runtime, token: Token, node: N, event: ActionCompletedEvent): Rejection | void
  onActionFailed?(rt: Runtime, token: Token, node: N, event: ActionFailedEvent): Rejection | void
  /**
   * The ways out for static analysis: each inner list is one possible choice, all of whose edges are
   * taken together (a fork is one choice of several edges; an exclusive gateway offers one per edge).
   */
  exits(node: N, graph: Graph): FlowEdge[][]
}
