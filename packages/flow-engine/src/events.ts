// Events come from the host. Each carries its own time (`at`, ISO 8601): the engine never reads a clock.
import type { Outcome } from './types'

export interface StartEvent {
  kind: 'start'
  at: string
  instanceId?: string
  /** Which start node, when the definition has several (e.g. a manual and a record-event start). */
  startNodeId?: string
  record?: Record<string, unknown>
  variables?: Record<string, unknown>
  by?: string
}

export interface TaskCompletedEvent {
  kind: 'task_completed'
  at: string
  taskId: string
  outcome: Outcome
  comment?: string
  form?: Record<string, unknown>
  by?: string
}

export interface TimerFiredEvent {
  kind: 'timer_fired'
  at: string
  timerId: string
}

export interface ActionCompletedEvent {
  kind: 'action_completed'
  at: string
  actionId: string
  result?: unknown
}

export interface ActionFailedEvent {
  kind: 'action_failed'
  at: string
  actionId: string
  error: { code?: string; message: string }
}

export interface CancelEvent {
  kind: 'cancel'
  at: string
  reason?: string
  by?: string
}

export type FlowEvent =
  StartEvent | TaskCompletedEvent | TimerFiredEvent | ActionCompletedEvent | ActionFailedEvent | CancelEvent
