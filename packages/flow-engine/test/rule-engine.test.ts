// The defaults, without an injected evaluator: conditions go through @trellis/rule-engine.
import { describe, expect, it } from 'vitest'
import { advance, validateFlow, type FlowState } from '../src/index'
import { quotationApproval } from './support/definitions'
import { T0, at } from './support/drive'

const review = (state: FlowState) => {
  const wait = state.tokens[0]!.wait
  if (wait.kind !== 'task') throw new Error('not at a task')
  return wait.taskId
}

describe('conditions through @trellis/rule-engine', () => {
  it.each([
    [250000, ['finance', 'manager']],
    [900, ['send']],
  ])('amount %i routes to %j', (amount, nodes) => {
    let s = advance(quotationApproval, null, { kind: 'start', at: T0, record: { amount } }).state
    s = advance(quotationApproval, s, {
      kind: 'task_completed',
      at: at(1),
      taskId: review(s),
      outcome: 'approve',
    }).state
    expect(s.tokens.map((t) => t.nodeId).sort()).toEqual(nodes)
  })

  it('validateFlow reports an unknown operator with the edge and gateway', () => {
    const def = structuredClone(quotationApproval)
    def.edges.find((e) => e.id === 'big')!.condition = { frobnicate: [1] }
    expect(validateFlow(def)).toEqual([
      expect.objectContaining({
        code: 'bad_condition',
        path: 'edges.big.condition',
        nodeId: 'amount',
        edgeId: 'big',
      }),
    ])
    expect(validateFlow(quotationApproval)).toEqual([])
  })
})
