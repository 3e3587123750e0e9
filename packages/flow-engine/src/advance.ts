// advance(definition, state, event) → { state, effects }: the whole engine as one pure function.
// The input state is never mutated; time comes from the event; ids come from the state's counter.
import { ruleEngineEvaluator, type ConditionEvaluator } from './conditions'
import type { FlowEffect } from './effects'
import type { FlowEvent, StartEvent } from './events'
import { graphOf } from './graph'
import { FlowError } from './issues'
import type { Rejection } from './nodes/node-type'
import { nodeTypeOf } from './nodes/registry'
import { emit, recordHistory, type Runtime } from './runtime/context'
import { cancelAll, fail } from './runtime/tokens'
import { STATE_FORMAT, type FlowState, type Token } from './state'
import type { FlowDefinition } from './types'

export interface AdvanceOptions {
  /** Evaluates JsonLogic; defaults to `compileCondition` from @trellis/rule-engine. */
  evaluator?: ConditionEvaluator
  /** Transitions allowed within one event before the instance fails (a loop with no wait state). */
  maxSteps?: number
}

export interface AdvanceResult {
  state: FlowState
  effects: FlowEffect[]
  /** Set when the event was not taken (stale id, finished instance, outcome not offered…); the state is unchanged. */
  rejected?: Rejection
}

let defaultEvaluator: ConditionEvaluator = ruleEngineEvaluator

/** Replaces the default evaluator (rule-engine's compileCondition) for every later call. */
export function setDefaultEvaluator(evaluator: ConditionEvaluator): void {
  defaultEvaluator = evaluator
}

const DEFAULT_MAX_STEPS = 1000

function initialState(def: FlowDefinition, event: StartEvent): FlowState {
  return {
    format: STATE_FORMAT,
    definition: { key: def.key, version: def.version },
    instanceId: event.instanceId ?? 'instance',
    status: 'running',
    seq: 0,
    startedAt: event.at,
    updatedAt: event.at,
    data: { record: { ...event.record }, vars: { ...event.variables }, tasks: {}, actions: {} },
    tokens: [],
    history: [],
  }
}

const reject = (state: FlowState, code: string, message: string): AdvanceResult => ({
  state,
  effects: [],
  rejected: { code, message },
})

export function advance(
  def: FlowDefinition,
  state: FlowState | null | undefined,
  event: FlowEvent,
  options: AdvanceOptions = {},
): AdvanceResult {
  if (event.kind === 'start') {
    if (state) return reject(state, 'already_started', 'the instance has already started')
  } else {
    if (!state) throw new FlowError('no_state', `event "${event.kind}" needs the instance state`)
    if (state.definition.key !== def.key || state.definition.version !== def.version)
      throw new FlowError(
        'definition_mismatch',
        `state belongs to ${state.definition.key}@${state.definition.version}, not ${def.key}@${def.version}`,
      )
    if (state.status !== 'running') return reject(state, 'not_running', `the instance is ${state.status}`)
  }

  const rt: Runtime = {
    graph: graphOf(def),
    state: event.kind === 'start' ? initialState(def, event) : structuredClone(state!),
    effects: [],
    at: event.at,
    evaluator: options.evaluator ?? defaultEvaluator,
    transit: [],
    steps: 0,
  }
  rt.state.updatedAt = event.at

  const rejection = dispatch(rt, event)
  if (rejection) return { state: state!, effects: [], rejected: rejection }
  drain(rt, options.maxSteps ?? DEFAULT_MAX_STEPS)
  settle(rt)
  return { state: rt.state, effects: rt.effects }
}

function findToken(rt: Runtime, match: (token: Token) => boolean): Token | undefined {
  return rt.state.tokens.find(match)
}

function dispatch(rt: Runtime, event: FlowEvent): Rejection | void {
  switch (event.kind) {
    case 'start': {
      const starts = rt.graph.def.nodes.filter((node) => node.kind === 'start')
      const start = event.startNodeId ? starts.find((node) => node.id === event.startNodeId) : starts[0]
      if (!start)
        return {
          code: 'no_start',
          message: `no start node${event.startNodeId ? ` "${event.startNodeId}"` : ''}`,
        }
      const token: Token = { id: 'token_0', nodeId: start.id, wait: { kind: 'join', edgeId: '' }, trail: [] }
      rt.transit.push({ token, nodeId: start.id, arrival: { kind: 'start' } })
      return
    }
    case 'task_completed': {
      const token = findToken(rt, (t) => t.wait.kind === 'task' && t.wait.taskId === event.taskId)
      if (!token) return { code: 'unknown_task', message: `no open task "${event.taskId}"` }
      const node = rt.graph.nodes.get(token.nodeId)!
      return nodeTypeOf(node).onTaskCompleted?.(rt, token, node, event)
    }
    case 'timer_fired': {
      const token = findToken(
        rt,
        (t) =>
          (t.wait.kind === 'timer' && t.wait.timerId === event.timerId) ||
          (t.wait.kind === 'task' && t.wait.dueTimerId === event.timerId),
      )
      if (!token) return { code: 'unknown_timer', message: `no pending timer "${event.timerId}"` }
      const node = rt.graph.nodes.get(token.nodeId)!
      return nodeTypeOf(node).onTimerFired?.(rt, token, node, event)
    }
    case 'action_completed':
    case 'action_failed': {
      const token = findToken(rt, (t) => t.wait.kind === 'action' && t.wait.actionId === event.actionId)
      if (!token) return { code: 'unknown_action', message: `no pending action "${event.actionId}"` }
      const node = rt.graph.nodes.get(token.nodeId)!
      const type = nodeTypeOf(node)
      return event.kind === 'action_completed'
        ? type.onActionCompleted?.(rt, token, node, event)
        : type.onActionFailed?.(rt, token, node, event)
    }
    case 'cancel': {
      cancelAll(rt, 'cancelled')
      rt.state.status = 'cancelled'
      rt.state.endedAt = event.at
      return
    }
    default: {
      const never: never = event
      return { code: 'unknown_event', message: `unknown event ${JSON.stringify(never)}` }
    }
  }
}

/** Moves tokens until every one is parked or consumed. */
function drain(rt: Runtime, maxSteps: number): void {
  while (rt.transit.length > 0 && rt.state.status === 'running') {
    if (++rt.steps > maxSteps)
      return fail(rt, 'step_limit', `more than ${maxSteps} steps in one event: a loop without a wait state?`)
    const { token, nodeId, arrival } = rt.transit.shift()!
    const node = rt.graph.nodes.get(nodeId)
    if (!node) return fail(rt, 'unknown_node', `edge leads to unknown node "${nodeId}"`, nodeId)
    token.nodeId = nodeId
    recordHistory(rt, token, nodeId, 'entered')
    nodeTypeOf(node).enter(rt, token, node, arrival)
  }
}

/** After the tokens settle: no token left means complete; only joins left means they never fire. */
function settle(rt: Runtime): void {
  if (rt.state.status !== 'running') return
  if (rt.state.tokens.length === 0) {
    if (!rt.lastEnd) return fail(rt, 'no_end', 'every token is gone without reaching an end')
    rt.state.status = 'completed'
    rt.state.endedAt = rt.at
    if (rt.lastEnd.config.result !== undefined) rt.state.result = rt.lastEnd.config.result
    emit(rt, {
      kind: 'complete',
      endNodeId: rt.lastEnd.id,
      ...(rt.lastEnd.config.result !== undefined ? { result: rt.lastEnd.config.result } : {}),
    })
    return
  }
  if (rt.state.tokens.every((token) => token.wait.kind === 'join')) {
    const nodeId = rt.state.tokens[0]!.nodeId
    fail(rt, 'join_deadlock', `the join at "${nodeId}" waits for branches that will never come`, nodeId)
  }
}
