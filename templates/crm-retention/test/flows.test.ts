import {
  advance,
  validateFlow,
  type FlowDefinition,
  type FlowEvent,
  type FlowState,
} from '@trellis/flow-engine'
import { validateRules, type Rule } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { crmRetentionApp } from '../src/index.js'

const app = crmRetentionApp()
const flows = app.flows as FlowDefinition[]
const flow = (key: string) => flows.find((f) => f.key === key)!
const formOf = (def: FlowDefinition) => {
  const start = def.nodes.find((n) => n.kind === 'start')!
  const trigger = (start.config as { trigger: { kind: string; form?: string; rule?: string } }).trigger
  if (trigger.form) return trigger.form
  const rule = (app.rules as Rule[]).find((r) => r.key === trigger.rule)!
  return (rule.trigger as { form: string }).form
}

/** Runs a flow in memory, answering each service task with `answer` and each wait with `choose`. */
function drive(
  def: FlowDefinition,
  record: Record<string, unknown>,
  answer: (nodeId: string) => unknown,
  decide: (nodeId: string) => 'approve' | 'reject' = () => 'approve',
) {
  let at = Date.parse('2026-07-01T00:00:00Z')
  const visited: string[] = []
  let step = advance(def, undefined, {
    kind: 'start',
    instanceId: 'i1',
    at: new Date(at).toISOString(),
    record,
  })
  let state: FlowState = step.state
  const pending = [...step.effects]
  for (let guard = 0; guard < 100 && pending.length; guard++) {
    const effect = pending.shift()!
    at += 1000
    const when = () => new Date(at).toISOString()
    let event: FlowEvent | undefined
    if (effect.kind === 'run_action') {
      visited.push(effect.nodeId)
      event = {
        kind: 'action_completed',
        at: when(),
        actionId: effect.actionId,
        result: answer(effect.nodeId),
      }
    } else if (effect.kind === 'schedule_timer' && effect.purpose === 'timer') {
      at = Date.parse(effect.dueAt)
      event = { kind: 'timer_fired', at: when(), timerId: effect.timerId }
    } else if (effect.kind === 'create_task') {
      visited.push(effect.nodeId)
      event = { kind: 'task_completed', at: when(), taskId: effect.taskId, outcome: decide(effect.nodeId) }
    }
    if (!event) continue
    step = advance(def, state, event)
    expect(step.rejected, JSON.stringify(step.rejected)).toBeUndefined()
    state = step.state
    pending.push(...step.effects)
  }
  return { state, visited }
}

describe('the CRM template flows', () => {
  it('holds the four flows of the issue, each valid (no errors) with every node named', () => {
    expect(flows.map((f) => f.key)).toEqual([
      'service_ticket',
      'win_back',
      'quote_approval',
      'pipeline_stall',
    ])
    for (const def of flows) {
      const errors = validateFlow(def).filter((i) => i.severity === 'error')
      expect(errors, def.key).toEqual([])
      for (const node of def.nodes) expect(node.name, `${def.key}.${node.id}`).toBeTruthy()
    }
  })

  it("every service task's action passes the rule engine's checks against its form", () => {
    const rules = flows.flatMap((def) =>
      def.nodes
        .filter((n) => n.kind === 'service_task')
        .map((n) => ({
          key: `${def.key}__${n.id}`,
          trigger: { kind: 'manual', form: formOf(def) },
          actions: [(n.config as { action: unknown }).action],
        })),
    )
    expect(rules.length).toBeGreaterThan(10)
    expect(validateRules(rules as Rule[], app)).toEqual([])
  })

  it('win-back: warm message, offer after 7 days, practical offer, then churned if still silent', () => {
    const { state, visited } = drive(flow('win_back'), { id: '7', lifecycle: null }, (node) =>
      node.startsWith('check') ? { values: { lifecycle: 'dormant' } } : { ok: true },
    )
    expect(state.status).toBe('completed')
    expect(state.result).toBe('churned')
    expect(visited).toEqual([
      'mark_dormant',
      'warm_message',
      'check_1',
      'offer_coupon',
      'offer_message',
      'check_2',
      'practical_coupon',
      'practical_message',
      'check_3',
      'mark_churned',
    ])
  })

  it('win-back: a purchase (lifecycle active again) ends the journey before the next offer', () => {
    const { state, visited } = drive(flow('win_back'), { id: '7' }, (node) =>
      node === 'check_2' ? { values: { lifecycle: 'active' } } : { values: { lifecycle: 'dormant' } },
    )
    expect(state.result).toBe('returned')
    expect(visited).not.toContain('practical_coupon')
  })

  it('quotation approval: from ¥20,000 finance and manager approve in parallel, both must agree', () => {
    const big = drive(flow('quote_approval'), { amount: '25000.00' }, () => ({}))
    expect(big.visited).toEqual(expect.arrayContaining(['finance_approve', 'manager_approve']))
    expect(big.state.result).toBe('approved')
    const refused = drive(
      flow('quote_approval'),
      { amount: '25000.00' },
      () => ({}),
      (node) => (node === 'finance_approve' ? 'reject' : 'approve'),
    )
    expect(refused.state.result).toBe('rejected')
    const small = drive(flow('quote_approval'), { amount: '3000.00' }, () => ({}))
    expect(small.visited).not.toContain('finance_approve')
    expect(small.visited).toContain('manager_only')
    expect(small.state.result).toBe('approved')
  })

  it('pipeline stall: still in negotiation after 15 days alerts the owner and the store manager', () => {
    const stalled = drive(flow('pipeline_stall'), { stage: 'negotiation' }, (node) =>
      node === 'check' ? { values: { stage: 'negotiation' } } : {},
    )
    expect(stalled.state.result).toBe('alerted')
    expect(stalled.visited).toEqual(['check', 'tell_owner', 'manager_follow_up'])
    const moved = drive(flow('pipeline_stall'), { stage: 'negotiation' }, () => ({
      values: { stage: 'won' },
    }))
    expect(moved.state.result).toBe('moved_on')
  })

  it('service ticket: acknowledged, assigned, handled and closed; overdue escalates to the store manager', () => {
    const done = drive(flow('service_ticket'), { customer: '3' }, () => ({}))
    expect(done.visited).toEqual(['acknowledge', 'assign', 'mark_assigned', 'handle', 'close'])
    const def = flow('service_ticket')
    const handle = def.nodes.find((n) => n.id === 'handle')!
    expect(handle.config).toMatchObject({ due: { kind: 'duration', duration: 'P2D' } })
    expect(def.edges.find((e) => e.source === 'handle' && e.on === 'due')!.target).toBe('escalate')
  })
})
