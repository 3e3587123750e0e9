// Stop, serialize and resume an instance after every event — so at every wait state of each
// definition — and check the resumed run ends exactly like the uninterrupted one.
import { describe, expect, it } from 'vitest'
import { advance, type FlowDefinition, type FlowEvent, type FlowState } from '../src/index'
import { quotationApproval, serviceTicket } from './support/definitions'
import { evaluator } from './support/evaluator'
import { T0, approveAll, at, run, type Script } from './support/drive'

const scenarios: Array<{
  name: string
  def: FlowDefinition
  start: FlowEvent
  script: Script
  visits: string[]
}> = [
  {
    name: 'service ticket, resolved in time',
    def: serviceTicket,
    start: { kind: 'start', at: T0, instanceId: 'i1', record: { title: 'Printer', engineer: 'eng_1' } },
    script: approveAll,
    visits: ['start', 'assign', 'resolve', 'survey_wait', 'survey', 'end'],
  },
  {
    name: 'service ticket, returned once, escalated once',
    def: serviceTicket,
    start: { kind: 'start', at: T0, instanceId: 'i2', record: { engineer: 'eng_1' } },
    script: (state, step) => {
      const token = state.tokens[0]!
      // The first resolve task goes back to dispatch, the second runs out of time, the third is done.
      if (token.nodeId === 'resolve' && token.wait.kind === 'task' && !state.data.tasks.resolve)
        return {
          kind: 'task_completed',
          at: at(step * 60),
          taskId: token.wait.taskId,
          outcome: 'return',
          comment: 'wrong site',
        }
      if (
        token.nodeId === 'resolve' &&
        token.wait.kind === 'task' &&
        token.wait.dueTimerId &&
        !state.data.actions.escalate
      )
        return { kind: 'timer_fired', at: at(step * 60), timerId: token.wait.dueTimerId }
      return approveAll(state, step)
    },
    visits: ['start', 'assign', 'resolve', 'escalate', 'survey_wait', 'survey', 'end'],
  },
  {
    name: 'quotation, big amount, both approve',
    def: quotationApproval,
    start: { kind: 'start', at: T0, record: { amount: 120000, account_manager: 'am' } },
    script: approveAll,
    visits: ['start', 'review', 'amount', 'fork', 'manager', 'finance', 'join', 'send', 'approved'],
  },
  {
    name: 'quotation, big amount, finance rejects while the manager still decides',
    def: quotationApproval,
    start: { kind: 'start', at: T0, record: { amount: 120000, account_manager: 'am' } },
    script: (state: FlowState, step: number) => {
      const finance = state.tokens.find((t) => t.nodeId === 'finance')
      if (finance?.wait.kind === 'task')
        return {
          kind: 'task_completed',
          at: at(step),
          taskId: finance.wait.taskId,
          outcome: 'reject',
          comment: 'margin',
        }
      return approveAll(state, step)
    },
    visits: ['start', 'review', 'amount', 'fork', 'manager', 'finance', 'rejected'],
  },
  {
    name: 'quotation, small amount',
    def: quotationApproval,
    start: { kind: 'start', at: T0, record: { amount: 10 } },
    script: approveAll,
    visits: ['start', 'review', 'amount', 'send', 'approved'],
  },
]

describe.each(scenarios)('round-trip: $name', ({ def, start, script, visits }) => {
  const straight = run(def, start, script)
  const final = straight.at(-1)!

  it('runs to an end and visits every node of the path', () => {
    expect(final.state.status).toBe('completed')
    const entered = new Set(final.state.history.filter((h) => h.step === 'entered').map((h) => h.nodeId))
    expect([...entered].sort()).toEqual([...visits].sort())
  })

  it.each(straight.slice(0, -1).map((_, i) => i))(
    'resumes identically after stopping at step %i',
    (stopAt) => {
      // Replay up to the stop, serialize, then continue from the parsed copy with the same events.
      const stored = JSON.stringify(straight[stopAt]!.state)
      let state = JSON.parse(stored) as FlowState
      expect(state).toEqual(straight[stopAt]!.state)
      const effects = []
      for (const step of straight.slice(stopAt + 1)) {
        const r = advance(def, state, step.event, { evaluator })
        expect(r.rejected).toBeUndefined()
        effects.push(...r.effects)
        state = JSON.parse(JSON.stringify(r.state)) as FlowState
      }
      expect(state).toEqual(final.state)
      expect(effects).toEqual(straight.slice(stopAt + 1).flatMap((s) => s.effects))
    },
  )
})

describe('the input state is never mutated', () => {
  it('keeps the caller’s snapshot intact', () => {
    const steps = run(quotationApproval, { kind: 'start', at: T0, record: { amount: 120000 } }, approveAll, 3)
    const before = JSON.stringify(steps[1]!.state)
    advance(quotationApproval, steps[1]!.state, steps[2]!.event, { evaluator })
    expect(JSON.stringify(steps[1]!.state)).toBe(before)
  })
})
