// The instance snapshot: plain JSON the host stores as-is (a jsonb column) and hands back on the
// next event. Nothing in it is a class, a Date or a Map, so JSON.stringify/parse round-trips exactly.
import type { Assignee, Outcome } from './types'

export const STATE_FORMAT = 1

export type InstanceStatus = 'running' | 'completed' | 'failed' | 'cancelled'

/** What a token is waiting for at its node. */
export type Wait =
  | { kind: 'task'; taskId: string; dueTimerId?: string }
  | { kind: 'timer'; timerId: string }
  | { kind: 'action'; actionId: string }
  /** Parked at a parallel join, having arrived over `edgeId`. */
  | { kind: 'join'; edgeId: string }

export interface Token {
  id: string
  nodeId: string
  wait: Wait
  /** User tasks completed on the way here, most recent last: where a `return` outcome goes back to. */
  trail: string[]
}

export interface TaskResult {
  taskId: string
  outcome: Outcome
  comment?: string
  form?: Record<string, unknown>
  by?: string
  at: string
}

export interface InstanceData {
  record: Record<string, unknown>
  vars: Record<string, unknown>
  /** Last result per user task node, readable by gateway conditions as `tasks.<nodeId>.outcome`. */
  tasks: Record<string, TaskResult>
  /** Last result per service task node (`actions.<nodeId>`). */
  actions: Record<string, unknown>
}

export interface HistoryEntry {
  at: string
  nodeId: string
  tokenId: string
  step: 'entered' | 'left' | 'cancelled'
  outcome?: string
}

export interface FlowState {
  format: typeof STATE_FORMAT
  definition: { key: string; version: number }
  instanceId: string
  status: InstanceStatus
  /** Counter behind every id the engine hands out: ids are a function of the state, never random. */
  seq: number
  startedAt: string
  updatedAt: string
  endedAt?: string
  data: InstanceData
  tokens: Token[]
  history: HistoryEntry[]
  result?: string
  error?: { code: string; message: string; nodeId?: string }
}

/** The assignee as the host should route it, with field references already read from the record. */
export type ResolvedAssignee =
  | Exclude<Assignee, { kind: 'field' }>
  | { kind: 'unresolved'; field?: string; reason: 'no_assignee' | 'empty_field' }
