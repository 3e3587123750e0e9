import { describe, expect, it } from 'vitest'
import { quotationApproval, serviceTicket } from './support/definitions'
import { T0, approveAll, run } from './support/drive'

describe('determinism', () => {
  it.each([
    ['service ticket', serviceTicket, { amount: 1, engineer: 'e' }],
    ['quotation', quotationApproval, { amount: 500000, account_manager: 'am' }],
  ] as const)('%s: same inputs give deep-equal states and effects', (_name, def, record) => {
    const a = run(def, { kind: 'start', at: T0, record }, approveAll)
    const b = run(
      structuredClone(def),
      { kind: 'start', at: T0, record: structuredClone(record) },
      approveAll,
    )
    expect(b).toEqual(a)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
  })

  it('ids come from the state counter, not from randomness or the clock', () => {
    const steps = run(quotationApproval, { kind: 'start', at: T0, record: { amount: 500000 } }, approveAll)
    const ids = steps
      .flatMap((s) => s.effects)
      .flatMap((e) => ('taskId' in e ? [e.taskId] : 'actionId' in e ? [e.actionId] : []))
    for (const id of ids) expect(id).toMatch(/^(task|action)_\d+$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
