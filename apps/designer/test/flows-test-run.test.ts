import type { FlowDefinition } from '@trellis/flow-engine'
import { describe, expect, it } from 'vitest'
import {
  idleRun,
  runMarks,
  stepRun,
  waitingOf,
  type RunAction,
  type TestRun,
} from '../src/flows/state/test-run'

// An approval with a deadline, a gateway on the amount and a timer: every kind of wait the panel offers.
const flow: FlowDefinition = {
  key: 'quote',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    { id: 'check', kind: 'exclusive_gateway', config: {} },
    {
      id: 'approve',
      kind: 'user_task',
      config: { assignee: { kind: 'role', role: 'manager' }, due: { kind: 'duration', duration: 'P2D' } },
    },
    { id: 'wait', kind: 'timer', config: { timer: { kind: 'duration', duration: 'PT1H' } } },
    { id: 'notify', kind: 'service_task', config: { action: { type: 'notify' } } },
    { id: 'done', kind: 'end', config: { result: 'approved' } },
    { id: 'small', kind: 'end', config: { result: 'auto' } },
    { id: 'late', kind: 'end', config: { result: 'escalated' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'check' },
    { id: 'e2', source: 'check', target: 'approve', condition: { '>': [{ var: 'record.amount' }, 1000] } },
    { id: 'e3', source: 'check', target: 'small', default: true },
    { id: 'e4', source: 'approve', target: 'wait' },
    { id: 'e5', source: 'approve', target: 'late', on: 'due' },
    { id: 'e6', source: 'wait', target: 'notify' },
    { id: 'e7', source: 'notify', target: 'done' },
  ],
}

const START = '2026-03-02T01:00:00.000Z'
const steps = (...actions: RunAction[]) =>
  actions.reduce<TestRun>((run, action) => stepRun(flow, run, action), idleRun())
const start = (amount: number): RunAction => ({ type: 'start', at: START, record: { amount }, variables: {} })

describe('test run', () => {
  it('follows the gateway with the sample data', () => {
    const small = steps(start(10))
    expect(small.state!.status).toBe('completed')
    expect(small.state!.result).toBe('auto')
    expect([...runMarks(small).visited]).toEqual(['start', 'check', 'small'])
    expect(runMarks(small).active.size).toBe(0)
  })

  it('steps through a task, a timer and an action to the end, with the clock jumping to the due time', () => {
    let run = steps(start(5000))
    expect(waitingOf(run).tasks.map((task) => task.nodeId)).toEqual(['approve'])
    expect(waitingOf(run, flow).tasks[0]!.outcomes).toEqual(['approve', 'reject', 'return'])
    const onlyTwo = {
      ...flow,
      nodes: flow.nodes.map((node) =>
        node.id === 'approve'
          ? { ...node, config: { ...node.config, outcomes: ['approve', 'reject'] } }
          : node,
      ),
    } as FlowDefinition
    expect(waitingOf(run, onlyTwo).tasks[0]!.outcomes).toEqual(['approve', 'reject'])
    expect(waitingOf(run).timers).toEqual([
      expect.objectContaining({ nodeId: 'approve', purpose: 'due', dueAt: '2026-03-04T01:00:00.000Z' }),
    ])
    expect([...runMarks(run).active]).toEqual(['approve'])

    const task = waitingOf(run).tasks[0]!
    run = stepRun(flow, run, { type: 'complete_task', taskId: task.taskId, outcome: 'approve' })
    const timer = waitingOf(run).timers[0]!
    expect(timer).toEqual(
      expect.objectContaining({ nodeId: 'wait', purpose: 'timer', dueAt: '2026-03-02T02:00:00.000Z' }),
    )
    run = stepRun(flow, run, { type: 'fire_timer', timerId: timer.timerId })
    expect(run.clock).toBe('2026-03-02T02:00:00.000Z')
    const action = waitingOf(run).actions[0]!
    expect(action.nodeId).toBe('notify')
    run = stepRun(flow, run, { type: 'action_done', actionId: action.actionId })
    expect(run.state!.status).toBe('completed')
    expect(run.state!.result).toBe('approved')
    expect(run.log.map((entry) => [entry.event, entry.nodeId])).toEqual([
      ['start', undefined],
      ['task_completed', 'approve'],
      ['timer_fired', 'wait'],
      ['action_completed', 'notify'],
    ])
    expect(run.log.at(-1)!.effects.map((effect) => effect.kind)).toEqual(['complete'])
  })

  it('escalates along the due edge when the task deadline fires', () => {
    let run = steps(start(5000))
    run = stepRun(flow, run, { type: 'fire_timer', timerId: waitingOf(run).timers[0]!.timerId })
    expect(run.state!.status).toBe('completed')
    expect(run.state!.result).toBe('escalated')
    expect(run.log.at(-1)!.effects.map((effect) => effect.kind)).toEqual(['cancel_task', 'complete'])
  })

  it('a failed action without an error edge fails the instance; refusals are logged and change nothing', () => {
    let run = steps(start(5000))
    run = stepRun(flow, run, {
      type: 'complete_task',
      taskId: waitingOf(run).tasks[0]!.taskId,
      outcome: 'approve',
    })
    run = stepRun(flow, run, { type: 'fire_timer', timerId: waitingOf(run).timers[0]!.timerId })
    const before = run.state
    const stale = stepRun(flow, run, { type: 'complete_task', taskId: 'task_99', outcome: 'approve' })
    expect(stale.state).toBe(before)
    expect(stale.log.at(-1)!.rejected?.code).toBe('unknown_task')
    run = stepRun(flow, run, {
      type: 'action_failed',
      actionId: waitingOf(run).actions[0]!.actionId,
      message: 'boom',
    })
    expect(run.state!.status).toBe('failed')
    expect(run.state!.error?.message).toBe('boom')
    expect(waitingOf(run)).toEqual({ tasks: [], timers: [], actions: [] })
  })

  it('reset forgets the run', () => {
    expect(stepRun(flow, steps(start(5000)), { type: 'reset' })).toEqual(idleRun())
  })
})
