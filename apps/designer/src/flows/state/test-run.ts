// The test run: the engine's own advance() stepped in the browser, with a clock of its own so a timer can
// be fired at its due time without waiting. Nothing is stored; the effects are only listed.
import {
  advance,
  type FlowDefinition,
  type FlowEffect,
  type FlowEvent,
  type FlowState,
  type Outcome,
} from '@trellis/flow-engine'

export interface RunLogEntry {
  at: string
  event: FlowEvent['kind']
  /** The node the event concerned, when it is known. */
  nodeId?: string
  outcome?: string
  effects: FlowEffect[]
  rejected?: { code: string; message: string }
  error?: string
}

export interface TestRun {
  state: FlowState | null
  /** The run's own time: starts at the moment given to `start`, jumps to a timer's due time when it fires. */
  clock: string
  /** Due time of every timer scheduled so far, by timer id. */
  dueAt: Record<string, string>
  log: RunLogEntry[]
}

export type RunAction =
  | { type: 'start'; at: string; record: Record<string, unknown>; variables: Record<string, unknown> }
  | {
      type: 'complete_task'
      taskId: string
      outcome: Outcome
      comment?: string
      form?: Record<string, unknown>
    }
  | { type: 'fire_timer'; timerId: string }
  | { type: 'action_done'; actionId: string; result?: unknown }
  | { type: 'action_failed'; actionId: string; message: string }
  | { type: 'reset' }

export const idleRun = (): TestRun => ({ state: null, clock: '', dueAt: {}, log: [] })

export interface Waiting {
  tasks: { taskId: string; nodeId: string; outcomes: Outcome[]; dueTimerId?: string }[]
  timers: { timerId: string; nodeId: string; dueAt?: string; purpose: 'timer' | 'due' }[]
  actions: { actionId: string; nodeId: string }[]
}

const ALL_OUTCOMES: Outcome[] = ['approve', 'reject', 'return']

/** What the instance waits for now: the buttons the panel offers (a task only the outcomes it allows). */
export function waitingOf(run: TestRun, def?: FlowDefinition): Waiting {
  const waiting: Waiting = { tasks: [], timers: [], actions: [] }
  if (!run.state || run.state.status !== 'running') return waiting
  for (const token of run.state.tokens) {
    const wait = token.wait
    if (wait.kind === 'task') {
      const node = def?.nodes.find((candidate) => candidate.id === token.nodeId)
      waiting.tasks.push({
        taskId: wait.taskId,
        nodeId: token.nodeId,
        outcomes: (node?.kind === 'user_task' && node.config.outcomes) || ALL_OUTCOMES,
        ...(wait.dueTimerId ? { dueTimerId: wait.dueTimerId } : {}),
      })
      if (wait.dueTimerId)
        waiting.timers.push({
          timerId: wait.dueTimerId,
          nodeId: token.nodeId,
          dueAt: run.dueAt[wait.dueTimerId],
          purpose: 'due',
        })
    } else if (wait.kind === 'timer')
      waiting.timers.push({
        timerId: wait.timerId,
        nodeId: token.nodeId,
        dueAt: run.dueAt[wait.timerId],
        purpose: 'timer',
      })
    else if (wait.kind === 'action') waiting.actions.push({ actionId: wait.actionId, nodeId: token.nodeId })
  }
  return waiting
}

/** Nodes holding a token now (highlighted on the canvas) and nodes the instance has passed through. */
export function runMarks(run: TestRun): { active: Set<string>; visited: Set<string> } {
  const active = new Set(run.state?.status === 'running' ? run.state.tokens.map((t) => t.nodeId) : [])
  const visited = new Set(run.state?.history.map((entry) => entry.nodeId) ?? [])
  return { active, visited }
}

const later = (a: string, b: string | undefined) => (b && b > a ? b : a)

function eventOf(run: TestRun, action: Exclude<RunAction, { type: 'reset' }>): FlowEvent {
  switch (action.type) {
    case 'start':
      return {
        kind: 'start',
        at: action.at,
        instanceId: 'test_run',
        record: action.record,
        variables: action.variables,
        by: 'designer',
      }
    case 'complete_task':
      return {
        kind: 'task_completed',
        at: run.clock,
        taskId: action.taskId,
        outcome: action.outcome,
        by: 'designer',
        ...(action.comment ? { comment: action.comment } : {}),
        ...(action.form ? { form: action.form } : {}),
      }
    case 'fire_timer':
      return { kind: 'timer_fired', at: later(run.clock, run.dueAt[action.timerId]), timerId: action.timerId }
    case 'action_done':
      return {
        kind: 'action_completed',
        at: run.clock,
        actionId: action.actionId,
        ...(action.result !== undefined ? { result: action.result } : {}),
      }
    case 'action_failed':
      return {
        kind: 'action_failed',
        at: run.clock,
        actionId: action.actionId,
        error: { message: action.message },
      }
  }
}

function nodeOfEvent(run: TestRun, event: FlowEvent): string | undefined {
  const tokens = run.state?.tokens ?? []
  const id =
    event.kind === 'task_completed'
      ? event.taskId
      : event.kind === 'timer_fired'
        ? event.timerId
        : event.kind === 'action_completed' || event.kind === 'action_failed'
          ? event.actionId
          : undefined
  if (!id) return undefined
  return tokens.find((t) => Object.values(t.wait).includes(id))?.nodeId
}

export function stepRun(def: FlowDefinition, run: TestRun, action: RunAction): TestRun {
  if (action.type === 'reset') return idleRun()
  const base = action.type === 'start' ? { ...idleRun(), clock: action.at } : run
  const event = eventOf(base, action)
  const entry: RunLogEntry = {
    at: event.at,
    event: event.kind,
    effects: [],
    ...(nodeOfEvent(base, event) ? { nodeId: nodeOfEvent(base, event)! } : {}),
    ...(action.type === 'complete_task' ? { outcome: action.outcome } : {}),
  }
  try {
    const result = advance(def, base.state, event)
    if (result.rejected) return { ...base, log: [...base.log, { ...entry, rejected: result.rejected }] }
    const dueAt = { ...base.dueAt }
    for (const effect of result.effects)
      if (effect.kind === 'schedule_timer') dueAt[effect.timerId] = effect.dueAt
    return {
      state: result.state,
      clock: later(base.clock, event.at),
      dueAt,
      log: [...base.log, { ...entry, effects: result.effects }],
    }
  } catch (error) {
    return { ...base, log: [...base.log, { ...entry, error: (error as Error).message }] }
  }
}
