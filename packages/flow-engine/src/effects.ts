// Effects are instructions for the host, carried out in the same transaction as the state write.
import type { ResolvedAssignee } from './state'
import type { Outcome, ServiceTaskConfig } from './types'

export interface CreateTaskEffect {
  kind: 'create_task'
  taskId: string
  nodeId: string
  name?: string
  assignee: ResolvedAssignee
  form?: string
  outcomes: Outcome[]
  dueAt?: string
  /** Set when the task comes back through a `return` outcome, with the returner's comment. */
  returned?: { fromNodeId: string; comment?: string }
}

export interface CancelTaskEffect {
  kind: 'cancel_task'
  taskId: string
  nodeId: string
  reason: 'escalated' | 'cancelled' | 'terminated' | 'failed'
}

export interface ScheduleTimerEffect {
  kind: 'schedule_timer'
  timerId: string
  nodeId: string
  dueAt: string
  /** `timer`: a timer node; `due`: a user task's due time. */
  purpose: 'timer' | 'due'
}

export interface CancelTimerEffect {
  kind: 'cancel_timer'
  timerId: string
  nodeId: string
}

export interface RunActionEffect {
  kind: 'run_action'
  actionId: string
  nodeId: string
  action: ServiceTaskConfig['action']
}

export interface CompleteEffect {
  kind: 'complete'
  endNodeId: string
  result?: string
}

export interface FailEffect {
  kind: 'fail'
  code: string
  message: string
  nodeId?: string
}

export type FlowEffect =
  | CreateTaskEffect
  | CancelTaskEffect
  | ScheduleTimerEffect
  | CancelTimerEffect
  | RunActionEffect
  | CompleteEffect
  | FailEffect
