import { describe, expect, it } from 'vitest'
import { advance, type FlowState } from '../src/index'
import { quotationApproval as d } from './support/definitions'
import { evaluator } from './support/evaluator'
import { T0, at } from './support/drive'

const opts = { evaluator }
const taskAt = (state: FlowState, nodeId: string) => {
  const token = state.tokens.find((t) => t.nodeId === nodeId && t.wait.kind === 'task')
  if (!token || token.wait.kind !== 'task') throw new Error(`no task at ${nodeId}`)
  return token.wait.taskId
}
const bigQuote = () => {
  let s = advance(
    d,
    null,
    { kind: 'start', at: T0, record: { amount: 250000, account_manager: 'am_1' } },
    opts,
  ).state
  s = advance(
    d,
    s,
    { kind: 'task_completed', at: at(1), taskId: taskAt(s, 'review'), outcome: 'approve' },
    opts,
  ).state
  return s
}

describe('parallel fork and join', () => {
  it('forks into one task per branch', () => {
    const s = bigQuote()
    expect(s.tokens.map((t) => t.nodeId).sort()).toEqual(['finance', 'manager'])
  })

  it('completes the join only when every incoming branch has arrived', () => {
    let s = bigQuote()
    let r = advance(
      d,
      s,
      { kind: 'task_completed', at: at(2), taskId: taskAt(s, 'manager'), outcome: 'approve' },
      opts,
    )
    s = r.state
    expect(r.effects).toEqual([])
    expect(s.tokens.find((t) => t.nodeId === 'join')?.wait).toEqual({ kind: 'join', edgeId: 'manager_join' })
    r = advance(
      d,
      s,
      { kind: 'task_completed', at: at(3), taskId: taskAt(s, 'finance'), outcome: 'approve' },
      opts,
    )
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'run_action', nodeId: 'send' })])
    expect(r.state.tokens).toHaveLength(1)
  })

  it('the same in the other order', () => {
    let s = bigQuote()
    s = advance(
      d,
      s,
      { kind: 'task_completed', at: at(2), taskId: taskAt(s, 'finance'), outcome: 'approve' },
      opts,
    ).state
    expect(s.tokens.some((t) => t.nodeId === 'send')).toBe(false)
    s = advance(
      d,
      s,
      { kind: 'task_completed', at: at(3), taskId: taskAt(s, 'manager'), outcome: 'approve' },
      opts,
    ).state
    expect(s.tokens.map((t) => t.nodeId)).toEqual(['send'])
  })

  it('a rejection in one branch terminates and cancels the other branch', () => {
    let s = bigQuote()
    s = advance(
      d,
      s,
      { kind: 'task_completed', at: at(2), taskId: taskAt(s, 'manager'), outcome: 'approve' },
      opts,
    ).state
    const financeTask = taskAt(s, 'finance')
    const r = advance(
      d,
      s,
      {
        kind: 'task_completed',
        at: at(3),
        taskId: financeTask,
        outcome: 'reject',
        comment: 'margin too low',
      },
      opts,
    )
    expect(r.state.status).toBe('completed')
    expect(r.state.result).toBe('rejected')
    expect(r.state.tokens).toEqual([])
    expect(r.effects).toEqual([{ kind: 'complete', endNodeId: 'rejected', result: 'rejected' }])
    // The branch still open is cancelled, not left dangling.
    let s2 = bigQuote()
    const managerTask = taskAt(s2, 'manager')
    const r2 = advance(
      d,
      s2,
      { kind: 'task_completed', at: at(2), taskId: taskAt(s2, 'finance'), outcome: 'reject' },
      opts,
    )
    expect(r2.effects).toEqual([
      { kind: 'cancel_task', taskId: managerTask, nodeId: 'manager', reason: 'terminated' },
      { kind: 'complete', endNodeId: 'rejected', result: 'rejected' },
    ])
    s2 = r2.state
    expect(
      advance(d, s2, { kind: 'task_completed', at: at(3), taskId: managerTask, outcome: 'approve' }, opts)
        .rejected?.code,
    ).toBe('not_running')
  })

  it('cancelling the instance cancels every branch and drops the join', () => {
    let s = bigQuote()
    s = advance(
      d,
      s,
      { kind: 'task_completed', at: at(2), taskId: taskAt(s, 'manager'), outcome: 'approve' },
      opts,
    ).state
    const r = advance(d, s, { kind: 'cancel', at: at(3) }, opts)
    expect(r.effects).toEqual([
      { kind: 'cancel_task', taskId: taskAt(s, 'finance'), nodeId: 'finance', reason: 'cancelled' },
    ])
    expect(r.state.tokens).toEqual([])
    expect(r.state.status).toBe('cancelled')
  })

  it('a branch that ends without reaching the join leaves it dead: the instance fails instead of hanging', () => {
    const soft = structuredClone(d)
    const rejected = soft.nodes.find((n) => n.id === 'rejected')!
    if (rejected.kind === 'end') rejected.config = { result: 'rejected' }
    let s = bigQuote()
    s = advance(
      soft,
      s,
      { kind: 'task_completed', at: at(2), taskId: taskAt(s, 'manager'), outcome: 'approve' },
      opts,
    ).state
    const r = advance(
      soft,
      s,
      { kind: 'task_completed', at: at(3), taskId: taskAt(s, 'finance'), outcome: 'reject' },
      opts,
    )
    expect(r.state.status).toBe('failed')
    expect(r.effects).toEqual([
      { kind: 'fail', code: 'join_deadlock', message: expect.any(String), nodeId: 'join' },
    ])
  })

  it('a small quotation skips the approvals', () => {
    let s = advance(d, null, { kind: 'start', at: T0, record: { amount: 900 } }, opts).state
    s = advance(
      d,
      s,
      { kind: 'task_completed', at: at(1), taskId: taskAt(s, 'review'), outcome: 'approve' },
      opts,
    ).state
    expect(s.tokens.map((t) => t.nodeId)).toEqual(['send'])
  })
})

describe('return across a fork', () => {
  it('is refused: a fork is a barrier for going back', () => {
    const s = bigQuote()
    const r = advance(
      d,
      s,
      { kind: 'task_completed', at: at(2), taskId: taskAt(s, 'manager'), outcome: 'return' },
      opts,
    )
    expect(r.rejected?.code).toBe('nothing_to_return_to')
  })
})
