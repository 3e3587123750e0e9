import { describe, expect, it } from 'vitest'
import { advance, type FlowDefinition, type FlowNode, type FlowEdge } from '../src/index'
import { evaluator } from './support/evaluator'
import { T0, at } from './support/drive'

const opts = { evaluator }
const def = (nodes: FlowNode[], edges: FlowEdge[]): FlowDefinition => ({ key: 'k', version: 1, nodes, edges })
const start: FlowNode = { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } }
const end: FlowNode = { id: 'end', kind: 'end', config: { result: 'done' } }

describe('start and end', () => {
  it('runs straight through and completes with the end result', () => {
    const r = advance(
      def([start, end], [{ id: 'e', source: 'start', target: 'end' }]),
      null,
      { kind: 'start', at: T0 },
      opts,
    )
    expect(r.state.status).toBe('completed')
    expect(r.state.result).toBe('done')
    expect(r.effects).toEqual([{ kind: 'complete', endNodeId: 'end', result: 'done' }])
  })

  it('picks the named start node and keeps record and variables', () => {
    const other: FlowNode = { id: 'other', kind: 'start', config: { trigger: { kind: 'rule', rule: 'r1' } } }
    const d = def(
      [start, other, end],
      [
        { id: 'e1', source: 'start', target: 'end' },
        { id: 'e2', source: 'other', target: 'end' },
      ],
    )
    const r = advance(
      d,
      null,
      { kind: 'start', at: T0, startNodeId: 'other', record: { a: 1 }, variables: { v: 2 } },
      opts,
    )
    expect(r.state.history[0]).toMatchObject({ nodeId: 'other', step: 'entered' })
    expect(r.state.data.record).toEqual({ a: 1 })
    expect(r.state.data.vars).toEqual({ v: 2 })
  })

  it('rejects a second start and events on a finished instance', () => {
    const d = def([start, end], [{ id: 'e', source: 'start', target: 'end' }])
    const done = advance(d, null, { kind: 'start', at: T0 }, opts).state
    expect(advance(d, done, { kind: 'start', at: T0 }, opts).rejected?.code).toBe('already_started')
    expect(advance(d, done, { kind: 'cancel', at: T0 }, opts).rejected?.code).toBe('not_running')
  })
})

describe('user task', () => {
  const task = (config: object = {}): FlowNode => ({
    id: 'approve_1',
    kind: 'user_task',
    name: 'Approve',
    config: { assignee: { kind: 'field', field: 'owner' }, form: 'f', ...config },
  })

  it('creates a task for the assignee read from the record and waits', () => {
    const d = def(
      [start, task(), end],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
      ],
    )
    const r = advance(d, null, { kind: 'start', at: T0, record: { owner: 'u_7' } }, opts)
    expect(r.effects).toEqual([
      {
        kind: 'create_task',
        taskId: 'task_1',
        nodeId: 'approve_1',
        name: 'Approve',
        assignee: { kind: 'user', userId: 'u_7' },
        form: 'f',
        outcomes: ['approve', 'reject', 'return'],
      },
    ])
    expect(r.state.tokens).toEqual([
      { id: 'token_0', nodeId: 'approve_1', wait: { kind: 'task', taskId: 'task_1' }, trail: [] },
    ])
  })

  it('marks an empty assignee field as unresolved', () => {
    const d = def(
      [start, task(), end],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
      ],
    )
    const r = advance(d, null, { kind: 'start', at: T0 }, opts)
    expect(r.effects[0]).toMatchObject({
      assignee: { kind: 'unresolved', field: 'owner', reason: 'empty_field' },
    })
  })

  it('approve merges the form into the record and goes on', () => {
    const d = def(
      [start, task(), end],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0, record: { owner: 'u', n: 1 } }, opts).state
    const r = advance(
      d,
      s,
      {
        kind: 'task_completed',
        at: at(5),
        taskId: 'task_1',
        outcome: 'approve',
        comment: 'ok',
        form: { n: 2 },
        by: 'u',
      },
      opts,
    )
    expect(r.state.status).toBe('completed')
    expect(r.state.data.record).toEqual({ owner: 'u', n: 2 })
    expect(r.state.data.tasks.approve_1).toEqual({
      taskId: 'task_1',
      outcome: 'approve',
      comment: 'ok',
      form: { n: 2 },
      by: 'u',
      at: at(5),
    })
  })

  it('reject follows the reject edge when there is one', () => {
    const no: FlowNode = { id: 'no', kind: 'end', config: { result: 'rejected' } }
    const d = def(
      [start, task(), end, no],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
        { id: 'c', source: 'approve_1', target: 'no', on: 'reject' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
    const r = advance(d, s, { kind: 'task_completed', at: T0, taskId: 'task_1', outcome: 'reject' }, opts)
    expect(r.state.result).toBe('rejected')
  })

  it('refuses an outcome the task does not offer, an unknown task, and leaves the state alone', () => {
    const d = def(
      [start, task({ outcomes: ['approve'] }), end],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
    const r = advance(d, s, { kind: 'task_completed', at: T0, taskId: 'task_1', outcome: 'reject' }, opts)
    expect(r.rejected).toMatchObject({ code: 'outcome_not_allowed', path: 'nodes.approve_1.config.outcomes' })
    expect(r.state).toBe(s)
    expect(r.effects).toEqual([])
    expect(
      advance(d, s, { kind: 'task_completed', at: T0, taskId: 'task_9', outcome: 'approve' }, opts).rejected
        ?.code,
    ).toBe('unknown_task')
  })

  it('return goes back to the previous task with the comment, and the previous task can go forward again', () => {
    const first: FlowNode = {
      id: 'draft',
      kind: 'user_task',
      config: { assignee: { kind: 'user', userId: 'author' } },
    }
    const d = def(
      [start, first, task(), end],
      [
        { id: 'a', source: 'start', target: 'draft' },
        { id: 'b', source: 'draft', target: 'approve_1' },
        { id: 'c', source: 'approve_1', target: 'end' },
      ],
    )
    let r = advance(d, null, { kind: 'start', at: T0, record: { owner: 'boss' } }, opts)
    r = advance(d, r.state, { kind: 'task_completed', at: at(1), taskId: 'task_1', outcome: 'approve' }, opts)
    expect(r.effects).toMatchObject([{ kind: 'create_task', taskId: 'task_2', nodeId: 'approve_1' }])
    expect(r.state.tokens[0]!.trail).toEqual(['draft'])
    r = advance(
      d,
      r.state,
      { kind: 'task_completed', at: at(2), taskId: 'task_2', outcome: 'return', comment: 'fix the price' },
      opts,
    )
    expect(r.effects).toEqual([
      {
        kind: 'create_task',
        taskId: 'task_3',
        nodeId: 'draft',
        assignee: { kind: 'user', userId: 'author' },
        outcomes: ['approve', 'reject', 'return'],
        returned: { fromNodeId: 'approve_1', comment: 'fix the price' },
      },
    ])
    expect(r.state.tokens[0]!.trail).toEqual([])
    expect(r.state.data.tasks.approve_1?.outcome).toBe('return')
    r = advance(d, r.state, { kind: 'task_completed', at: at(3), taskId: 'task_3', outcome: 'approve' }, opts)
    expect(r.effects).toMatchObject([{ kind: 'create_task', taskId: 'task_4', nodeId: 'approve_1' }])
  })

  it('cannot return from the first task', () => {
    const d = def(
      [start, task(), end],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
    expect(
      advance(d, s, { kind: 'task_completed', at: T0, taskId: 'task_1', outcome: 'return' }, opts).rejected
        ?.code,
    ).toBe('nothing_to_return_to')
  })

  it('a return edge takes precedence over going back', () => {
    const fix: FlowNode = {
      id: 'fix',
      kind: 'user_task',
      config: { assignee: { kind: 'role', role: 'clerk' } },
    }
    const d = def(
      [start, task(), fix, end],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
        { id: 'c', source: 'approve_1', target: 'fix', on: 'return' },
        { id: 'd', source: 'fix', target: 'approve_1' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
    const r = advance(d, s, { kind: 'task_completed', at: T0, taskId: 'task_1', outcome: 'return' }, opts)
    expect(r.effects).toMatchObject([{ kind: 'create_task', nodeId: 'fix' }])
  })

  describe('due time', () => {
    const boss: FlowNode = {
      id: 'boss',
      kind: 'user_task',
      config: { assignee: { kind: 'role', role: 'manager' } },
    }
    const d = def(
      [start, task({ due: { kind: 'duration', duration: 'P2D' } }), boss, end],
      [
        { id: 'a', source: 'start', target: 'approve_1' },
        { id: 'b', source: 'approve_1', target: 'end' },
        { id: 'esc', source: 'approve_1', target: 'boss', on: 'due' },
        { id: 'c', source: 'boss', target: 'end' },
      ],
    )

    it('schedules a due timer with the task', () => {
      const r = advance(d, null, { kind: 'start', at: T0 }, opts)
      expect(r.effects).toEqual([
        expect.objectContaining({ kind: 'create_task', taskId: 'task_1', dueAt: '2025-03-03T01:00:00.000Z' }),
        {
          kind: 'schedule_timer',
          timerId: 'timer_2',
          nodeId: 'approve_1',
          dueAt: '2025-03-03T01:00:00.000Z',
          purpose: 'due',
        },
      ])
    })

    it('escalates along the boundary path when the due time expires', () => {
      const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
      const r = advance(
        d,
        s,
        { kind: 'timer_fired', at: '2025-03-03T01:00:00.000Z', timerId: 'timer_2' },
        opts,
      )
      expect(r.effects).toEqual([
        { kind: 'cancel_task', taskId: 'task_1', nodeId: 'approve_1', reason: 'escalated' },
        expect.objectContaining({
          kind: 'create_task',
          nodeId: 'boss',
          assignee: { kind: 'role', role: 'manager' },
        }),
      ])
      expect(r.state.history.at(-2)).toMatchObject({ nodeId: 'approve_1', step: 'left', outcome: 'due' })
    })

    it('cancels the due timer when the task is completed in time', () => {
      const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
      const r = advance(
        d,
        s,
        { kind: 'task_completed', at: at(10), taskId: 'task_1', outcome: 'approve' },
        opts,
      )
      expect(r.effects).toEqual([
        { kind: 'cancel_timer', timerId: 'timer_2', nodeId: 'approve_1' },
        { kind: 'complete', endNodeId: 'end', result: 'done' },
      ])
      // The host may still deliver the timer it could not stop in time: it is refused, harmlessly.
      expect(
        advance(d, r.state, { kind: 'timer_fired', at: at(20), timerId: 'timer_2' }, opts).rejected?.code,
      ).toBe('not_running')
    })
  })
})

describe('service task', () => {
  const svc: FlowNode = {
    id: 'notify',
    kind: 'service_task',
    config: { action: { type: 'notify', template: 't' } },
  }
  const oops: FlowNode = { id: 'oops', kind: 'end', config: { result: 'failed_notify' } }

  it('asks the host to run the action and stores its result', () => {
    const d = def(
      [start, svc, end],
      [
        { id: 'a', source: 'start', target: 'notify' },
        { id: 'b', source: 'notify', target: 'end' },
      ],
    )
    const r = advance(d, null, { kind: 'start', at: T0 }, opts)
    expect(r.effects).toEqual([
      {
        kind: 'run_action',
        actionId: 'action_1',
        nodeId: 'notify',
        action: { type: 'notify', template: 't' },
      },
    ])
    const r2 = advance(
      d,
      r.state,
      { kind: 'action_completed', at: T0, actionId: 'action_1', result: { messageId: 'm1' } },
      opts,
    )
    expect(r2.state.status).toBe('completed')
    expect(r2.state.data.actions.notify).toEqual({ messageId: 'm1' })
  })

  it('fails the instance on action failure without an error edge', () => {
    const d = def(
      [start, svc, end],
      [
        { id: 'a', source: 'start', target: 'notify' },
        { id: 'b', source: 'notify', target: 'end' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
    const r = advance(
      d,
      s,
      {
        kind: 'action_failed',
        at: T0,
        actionId: 'action_1',
        error: { code: 'sms_down', message: 'gateway timeout' },
      },
      opts,
    )
    expect(r.state.status).toBe('failed')
    expect(r.effects).toEqual([
      { kind: 'fail', code: 'sms_down', message: 'gateway timeout', nodeId: 'notify' },
    ])
  })

  it('follows the error edge when there is one', () => {
    const d = def(
      [start, svc, end, oops],
      [
        { id: 'a', source: 'start', target: 'notify' },
        { id: 'b', source: 'notify', target: 'end' },
        { id: 'c', source: 'notify', target: 'oops', on: 'error' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
    const r = advance(
      d,
      s,
      { kind: 'action_failed', at: T0, actionId: 'action_1', error: { message: 'x' } },
      opts,
    )
    expect(r.state.result).toBe('failed_notify')
  })
})

describe('exclusive gateway', () => {
  const gw: FlowNode = { id: 'gw', kind: 'exclusive_gateway', config: {} }
  const hi: FlowNode = { id: 'hi', kind: 'end', config: { result: 'hi' } }
  const mid: FlowNode = { id: 'mid', kind: 'end', config: { result: 'mid' } }
  const lo: FlowNode = { id: 'lo', kind: 'end', config: { result: 'lo' } }
  const d = (withDefault: boolean) =>
    def(
      [start, gw, hi, mid, lo],
      [
        { id: 'a', source: 'start', target: 'gw' },
        { id: 'h', source: 'gw', target: 'hi', condition: { '>': [{ var: 'record.amount' }, 100] } },
        { id: 'm', source: 'gw', target: 'mid', condition: { '>': [{ var: 'record.amount' }, 10] } },
        { id: 'l', source: 'gw', target: 'lo', ...(withDefault ? { default: true } : { condition: false }) },
      ],
    )
  const resultFor = (amount: number, withDefault = true) =>
    advance(d(withDefault), null, { kind: 'start', at: T0, record: { amount } }, opts).state

  it('takes the first edge whose condition holds, in definition order', () => {
    expect(resultFor(500).result).toBe('hi')
    expect(resultFor(50).result).toBe('mid')
  })

  it('takes the default when nothing holds', () => {
    expect(resultFor(1).result).toBe('lo')
  })

  it('fails when nothing holds and there is no default', () => {
    const s = resultFor(1, false)
    expect(s.status).toBe('failed')
    expect(s.error).toMatchObject({ code: 'no_matching_edge', nodeId: 'gw' })
  })

  it('fails on a condition that is not JsonLogic yet', () => {
    const bad = def(
      [start, gw, hi, lo],
      [
        { id: 'a', source: 'start', target: 'gw' },
        { id: 'h', source: 'gw', target: 'hi', conditionText: { language: 'xpath', body: 'amount > 5' } },
        { id: 'l', source: 'gw', target: 'lo', default: true },
      ],
    )
    expect(advance(bad, null, { kind: 'start', at: T0 }, opts).state.error?.code).toBe('bad_condition')
  })

  it('lets a loop without a wait state fail instead of hanging', () => {
    const loop = def(
      [start, gw, end],
      [
        { id: 'a', source: 'start', target: 'gw' },
        { id: 'back', source: 'gw', target: 'gw', condition: true },
        { id: 'out', source: 'gw', target: 'end', default: true },
      ],
    )
    expect(advance(loop, null, { kind: 'start', at: T0 }, opts).state.error?.code).toBe('step_limit')
  })
})

describe('timer', () => {
  const timer = (spec: object): FlowNode => ({ id: 'wait', kind: 'timer', config: { timer: spec } as never })
  const d = (spec: object) =>
    def(
      [start, timer(spec), end],
      [
        { id: 'a', source: 'start', target: 'wait' },
        { id: 'b', source: 'wait', target: 'end' },
      ],
    )

  it('schedules a duration and goes on when fired', () => {
    const r = advance(d({ kind: 'duration', duration: 'P7D' }), null, { kind: 'start', at: T0 }, opts)
    expect(r.effects).toEqual([
      {
        kind: 'schedule_timer',
        timerId: 'timer_1',
        nodeId: 'wait',
        dueAt: '2025-03-08T01:00:00.000Z',
        purpose: 'timer',
      },
    ])
    const r2 = advance(
      d({ kind: 'duration', duration: 'P7D' }),
      r.state,
      { kind: 'timer_fired', at: '2025-03-08T01:00:00.000Z', timerId: 'timer_1' },
      opts,
    )
    expect(r2.state.status).toBe('completed')
  })

  it('schedules three days before the next birthday, at 09:00 Shanghai time', () => {
    const spec = {
      kind: 'date',
      expression: { var: 'record.birthday' },
      offset: '-P3D',
      yearly: true,
      time: '09:00',
    }
    const r = advance(d(spec), null, { kind: 'start', at: T0, record: { birthday: '1990-05-10' } }, opts)
    expect(r.effects[0]).toMatchObject({ dueAt: '2025-05-07T01:00:00.000Z' })
    // Already past this year: next year.
    const r2 = advance(
      d(spec),
      null,
      { kind: 'start', at: '2025-06-01T00:00:00.000Z', record: { birthday: '1990-05-10' } },
      opts,
    )
    expect(r2.effects[0]).toMatchObject({ dueAt: '2026-05-07T01:00:00.000Z' })
  })

  it('fails when the date expression yields no date', () => {
    const r = advance(
      d({ kind: 'date', expression: { var: 'record.birthday' } }),
      null,
      { kind: 'start', at: T0, record: {} },
      opts,
    )
    expect(r.state.error).toMatchObject({ code: 'bad_date', nodeId: 'wait' })
  })
})

describe('cancel', () => {
  it('cancels open tasks and timers', () => {
    const d = def(
      [start, { id: 't', kind: 'user_task', config: { due: { kind: 'duration', duration: 'PT1H' } } }, end],
      [
        { id: 'a', source: 'start', target: 't' },
        { id: 'b', source: 't', target: 'end' },
        { id: 'c', source: 't', target: 'end', on: 'due' },
      ],
    )
    const s = advance(d, null, { kind: 'start', at: T0 }, opts).state
    const r = advance(d, s, { kind: 'cancel', at: at(1), reason: 'customer withdrew' }, opts)
    expect(r.state.status).toBe('cancelled')
    expect(r.state.tokens).toEqual([])
    expect(r.effects).toEqual([
      { kind: 'cancel_task', taskId: 'task_1', nodeId: 't', reason: 'cancelled' },
      { kind: 'cancel_timer', timerId: 'timer_2', nodeId: 't' },
    ])
  })
})
