import { describe, expect, it } from 'vitest'
import { validateFlow, type FlowDefinition } from '../src/index'
import { quotationApproval, serviceTicket } from './support/definitions'
import { evaluator } from './support/evaluator'

const codes = (def: FlowDefinition) =>
  validateFlow(def, { evaluator }).map((i) => `${i.code}@${i.nodeId ?? i.path}`)
const base = (): FlowDefinition => structuredClone(quotationApproval)

describe('validateFlow', () => {
  it('accepts the realistic definitions without errors', () => {
    expect(validateFlow(serviceTicket, { evaluator })).toEqual([])
    expect(validateFlow(quotationApproval, { evaluator })).toEqual([])
  })

  it('reports unreachable nodes with their id', () => {
    const def = base()
    def.nodes.push({ id: 'orphan', kind: 'timer', config: { timer: { kind: 'duration', duration: 'P1D' } } })
    def.edges.push({ id: 'orphan_out', source: 'orphan', target: 'approved' })
    expect(validateFlow(def, { evaluator })).toContainEqual({
      code: 'unreachable_node',
      severity: 'warning',
      message: expect.any(String),
      path: 'nodes.orphan',
      nodeId: 'orphan',
    })
  })

  it('reports a gateway without a default', () => {
    const def = base()
    delete def.edges.find((e) => e.id === 'small')!.default
    def.edges.find((e) => e.id === 'small')!.condition = { '<': [{ var: 'record.amount' }, 100000] }
    expect(codes(def)).toEqual(['gateway_without_default@amount'])
  })

  it('reports a join that can never complete (fed by alternatives of an exclusive gateway)', () => {
    const def = base()
    // The fork becomes an exclusive choice: only one branch ever reaches the join.
    def.nodes = def.nodes.map((n) =>
      n.id === 'fork' ? { id: 'fork', kind: 'exclusive_gateway', config: {} } : n,
    )
    def.edges.find((e) => e.id === 'fork_finance')!.default = true
    def.edges.find((e) => e.id === 'fork_manager')!.condition = { var: 'record.vip' }
    expect(codes(def)).toEqual(['join_never_completes@join'])
    const issue = validateFlow(def, { evaluator }).find((i) => i.code === 'join_never_completes')!
    expect(issue).toMatchObject({ severity: 'error', path: 'nodes.join', nodeId: 'join' })
  })

  it('reports a missing assignee as a warning', () => {
    const def = base()
    const manager = def.nodes.find((n) => n.id === 'manager')!
    if (manager.kind === 'user_task') delete manager.config.assignee
    expect(validateFlow(def, { evaluator })).toEqual([
      expect.objectContaining({
        code: 'missing_assignee',
        severity: 'warning',
        path: 'nodes.manager.config.assignee',
        nodeId: 'manager',
      }),
    ])
  })

  it('reports bad conditions: not JsonLogic, unknown operator, untranslated BPMN text', () => {
    const def = base()
    def.edges.find((e) => e.id === 'big')!.condition = { '>=': 1, '<': 2 }
    expect(codes(def)).toEqual(['bad_condition@amount'])
    def.edges.find((e) => e.id === 'big')!.condition = { frobnicate: [1] }
    expect(codes(def)).toEqual(['bad_condition@amount'])
    delete def.edges.find((e) => e.id === 'big')!.condition
    def.edges.find((e) => e.id === 'big')!.conditionText = {
      language: 'http://www.w3.org/1999/XPath',
      body: 'amount > 5',
    }
    expect(validateFlow(def, { evaluator })).toEqual([
      expect.objectContaining({
        code: 'bad_condition',
        severity: 'error',
        path: 'edges.big.conditionText',
        nodeId: 'amount',
        edgeId: 'big',
      }),
    ])
  })

  it('uses a host-supplied static check when given', () => {
    const issues = validateFlow(base(), { checkLogic: () => 'unknown field amount' })
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'bad_condition',
        message: 'unknown field amount',
        path: 'edges.big.condition',
      }),
    ])
  })

  it('reports a due time without an escalation path, and bad durations', () => {
    const def = base()
    const finance = def.nodes.find((n) => n.id === 'finance')!
    if (finance.kind === 'user_task') finance.config.due = { kind: 'duration', duration: 'P2X' }
    expect(codes(def)).toEqual(['bad_time@finance', 'missing_escalation_path@finance'])
  })

  it('reports invalid config against the node schema, with a path', () => {
    const def = base()
    const send = def.nodes.find((n) => n.id === 'send')!
    if (send.kind === 'service_task') send.config = { action: {} } as never
    expect(validateFlow(def, { evaluator })).toEqual([
      expect.objectContaining({ code: 'invalid_config', path: 'nodes.send.config.action', nodeId: 'send' }),
    ])
  })

  it('reports structure: no start, dangling edges, duplicate ids, dead ends, unknown kinds', () => {
    const def: FlowDefinition = {
      key: 'k',
      version: 1,
      nodes: [
        { id: 'a', kind: 'user_task', config: { assignee: { kind: 'role', role: 'r' } } },
        { id: 'a', kind: 'end', config: {} },
        { id: 'x', kind: 'sub_process' as never, config: {} } as never,
      ],
      edges: [{ id: 'e', source: 'a', target: 'nowhere' }],
    }
    expect(codes(def)).toEqual(
      expect.arrayContaining([
        'duplicate_id@a',
        'unknown_node_kind@x',
        'dangling_edge@edges.e.target',
        'no_start@nodes',
      ]),
    )
  })
})
