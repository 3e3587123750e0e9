// A scripted host: answers each open wait with a decision, so a test can run an instance to the end.
import {
  advance,
  type FlowDefinition,
  type FlowEffect,
  type FlowEvent,
  type FlowState,
} from '../../src/index'
import { evaluator } from './evaluator'

export const T0 = '2025-03-01T01:00:00.000Z'
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString()

export interface Step {
  event: FlowEvent
  state: FlowState
  effects: FlowEffect[]
}

/** Picks the next event for the current state, or null when the script has nothing to say. */
export type Script = (state: FlowState, step: number) => FlowEvent | null

export function run(def: FlowDefinition, start: FlowEvent, script: Script, limit = 50): Step[] {
  const steps: Step[] = []
  let result = advance(def, null, start, { evaluator })
  steps.push({ event: start, ...result })
  for (let i = 1; i < limit && result.state.status === 'running'; i++) {
    const event = script(result.state, i)
    if (!event) break
    result = advance(def, result.state, event, { evaluator })
    if (result.rejected) throw new Error(`rejected: ${result.rejected.code} ${result.rejected.message}`)
    steps.push({ event, ...result })
  }
  return steps
}

/** A default script: approves tasks, completes actions and fires timers, oldest first. */
export const approveAll: Script = (state, step) => {
  const token = state.tokens.find((t) => t.wait.kind !== 'join')
  if (!token) return null
  const when = at(step * 60)
  switch (token.wait.kind) {
    case 'task':
      return { kind: 'task_completed', at: when, taskId: token.wait.taskId, outcome: 'approve', by: 'u1' }
    case 'timer':
      return { kind: 'timer_fired', at: when, timerId: token.wait.timerId }
    case 'action':
      return { kind: 'action_completed', at: when, actionId: token.wait.actionId, result: { ok: true } }
    case 'join':
      return null
  }
}
