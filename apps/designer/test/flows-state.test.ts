import { nodeTypes } from '@trellis/flow-engine'
import { describe, expect, it } from 'vitest'
import { autoLayout, pinPositions, positionsOf } from '../src/flows/state/auto-layout'
import { exportFlow, importFlow } from '../src/flows/state/bpmn'
import { flowsOf, sameJson, type DesignedFlow } from '../src/flows/state/flow-doc'
import {
  addNode,
  connect,
  createFlow,
  deleteFlow,
  moveNodes,
  putFlow,
  removeElements,
  renameFlow,
  setConfig,
  updateEdge,
  updateFlow,
} from '../src/flows/state/flow-edits'
import { checkFlow, mergeIssues, placeFlowIssues, serverIssuesOf } from '../src/flows/state/issues'
import { PALETTE } from '../src/flows/state/palette'

const empty = (): DesignedFlow => ({ key: 'approval', version: 1, nodes: [], edges: [] })

/** start → approval → end, built the way the canvas builds it. */
function approvalFlow(): DesignedFlow {
  let flow = empty()
  const start = addNode(flow, 'start', { x: 0, y: 0 })
  const task = addNode(start.flow, 'user_task', { x: 200, y: 0 }, { name: 'Manager approval' })
  const end = addNode(task.flow, 'end', { x: 400, y: 0 })
  flow = connect(end.flow, start.id, task.id)!.flow
  return connect(flow, task.id, end.id)!.flow
}

describe('flow list edits', () => {
  it('creates, renames and deletes flows, leaving entries that are not flows in place', () => {
    const junk = { note: 'not a flow' } as unknown as DesignedFlow
    let flows = createFlow([junk], 'approval', '审批')
    expect(flowsOf(flows).map((f) => [f.key, f.name])).toEqual([['approval', '审批']])
    flows = renameFlow(flows, 'approval', 'Approval')
    expect(flowsOf(flows)[0]!.name).toBe('Approval')
    flows = renameFlow(flows, 'approval', '')
    expect('name' in flowsOf(flows)[0]!).toBe(false)
    flows = deleteFlow(flows, 'approval')
    expect(flows).toEqual([junk])
  })

  it('an import replaces the flow with the same key, else it is added', () => {
    const flows = [approvalFlow()]
    const imported = { ...empty(), name: 'imported' }
    expect(putFlow(flows, imported)).toEqual([imported])
    expect(putFlow(flows, { ...imported, key: 'other' })).toHaveLength(2)
  })
})

describe('graph edits', () => {
  it('gives dropped nodes fresh ids, default configs and their drop position', () => {
    const flow = approvalFlow()
    expect(flow.nodes.map((n) => n.id)).toEqual(['start_1', 'user_task_1', 'end_1'])
    expect(flow.nodes[0]!.config).toEqual({ trigger: { kind: 'manual' } })
    expect(flow.layout?.positions?.user_task_1).toEqual({ x: 200, y: 0 })
    expect(flow.edges).toEqual([
      { id: 'edge_1', source: 'start_1', target: 'user_task_1' },
      { id: 'edge_2', source: 'user_task_1', target: 'end_1' },
    ])
    const second = addNode(flow, 'user_task', { x: 1.6, y: 2.4 })
    expect(second.id).toBe('user_task_2')
    expect(second.flow.layout?.positions?.user_task_2).toEqual({ x: 2, y: 2 })
    const action = addNode(flow, 'service_task', { x: 0, y: 0 }, { action: 'set_fields' })
    expect(action.flow.nodes.at(-1)!.config).toEqual({ action: { type: 'set_fields', values: {} } })
  })

  it('refuses self-loops and duplicate edges, and never reuses a node id for an edge', () => {
    const flow = approvalFlow()
    expect(connect(flow, 'start_1', 'start_1')).toBeNull()
    expect(connect(flow, 'start_1', 'user_task_1')).toBeNull()
    expect(connect(flow, 'start_1', 'missing')).toBeNull()
    const back = connect(flow, 'user_task_1', 'start_1')!
    expect(back.id).toBe('edge_3')
  })

  it('removing a node removes its edges and its position', () => {
    const flow = removeElements(approvalFlow(), ['user_task_1'])
    expect(flow.nodes.map((n) => n.id)).toEqual(['start_1', 'end_1'])
    expect(flow.edges).toEqual([])
    expect(Object.keys(flow.layout!.positions!)).toEqual(['start_1', 'end_1'])
    expect(removeElements(approvalFlow(), [], ['edge_1']).edges.map((e) => e.id)).toEqual(['edge_2'])
  })

  it('moves nodes, sets and clears config keys', () => {
    let flow = moveNodes(approvalFlow(), { end_1: { x: 600.4, y: 80 } })
    expect(flow.layout?.positions?.end_1).toEqual({ x: 600, y: 80 })
    flow = setConfig(flow, 'user_task_1', 'assignee', { kind: 'role', role: 'manager' })
    expect(flow.nodes[1]!.config).toEqual({ assignee: { kind: 'role', role: 'manager' } })
    flow = setConfig(flow, 'user_task_1', 'assignee', undefined)
    expect(flow.nodes[1]!.config).toEqual({})
  })

  it('keeps one default edge per gateway and drops the condition of the default', () => {
    let flow: DesignedFlow = {
      ...empty(),
      nodes: [
        { id: 'g', kind: 'exclusive_gateway', config: {} },
        { id: 'a', kind: 'end', config: {} },
        { id: 'b', kind: 'end', config: {} },
      ],
      edges: [
        { id: 'e1', source: 'g', target: 'a', condition: { '>': [{ var: 'record.amount' }, 100] } },
        { id: 'e2', source: 'g', target: 'b', default: true },
      ],
    }
    flow = updateEdge(flow, 'e1', { default: true })
    expect(flow.edges).toEqual([
      { id: 'e1', source: 'g', target: 'a', default: true },
      { id: 'e2', source: 'g', target: 'b' },
    ])
    flow = updateEdge(flow, 'e2', { condition: { '==': [1, 1] }, on: undefined })
    expect(flow.edges[1]).toEqual({ id: 'e2', source: 'g', target: 'b', condition: { '==': [1, 1] } })
  })

  it('updateFlow changes only the named flow', () => {
    const other = { ...empty(), key: 'other' }
    const flows = updateFlow([approvalFlow(), other], 'approval', (flow) => ({ ...flow, name: 'x' }))
    expect(flows[0]!.name).toBe('x')
    expect(flows[1]).toBe(other)
  })
})

describe('validation on the canvas', () => {
  it("places the engine's issues on nodes, edges and the flow", () => {
    const half = removeElements(approvalFlow(), [], ['edge_2'])
    const placed = placeFlowIssues(checkFlow(half))
    expect(
      placed.nodes
        .get('user_task_1')!
        .map((i) => i.code)
        .sort(),
    ).toEqual(['dead_end', 'missing_assignee'])
    expect(placed.errors).toBe(1)
    expect(placed.nodes.get('end_1')!.map((i) => i.code)).toEqual(['unreachable_node'])
    expect(placeFlowIssues(checkFlow(empty())).flow.map((i) => i.code)).toEqual(['no_start', 'no_end'])
  })

  it('a complete approval flow with an assignee has no issue', () => {
    const flow = setConfig(approvalFlow(), 'user_task_1', 'assignee', { kind: 'role', role: 'manager' })
    expect(checkFlow(flow)).toEqual([])
  })

  it('compares a flow with the saved one whatever the key order (jsonb reorders keys)', () => {
    expect(sameJson({ a: 1, b: [{ x: 1, y: 2 }] }, { b: [{ y: 2, x: 1 }], a: 1 })).toBe(true)
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true)
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false)
    expect(sameJson(approvalFlow(), moveNodes(approvalFlow(), { end_1: { x: 1, y: 1 } }))).toBe(false)
  })

  it("reads the server's issues of one flow with engine paths, each problem once", () => {
    const server = [
      {
        flow: 'approval',
        code: 'dead_end',
        severity: 'error' as const,
        message: 'x',
        path: 'flows.0.nodes.t',
      },
      { flow: 'other', code: 'no_end', severity: 'error' as const, message: 'y', path: 'flows.1.nodes' },
    ]
    const mine = serverIssuesOf(server, 'approval')
    expect(mine).toEqual([{ code: 'dead_end', severity: 'error', message: 'x', path: 'nodes.t' }])
    expect(mergeIssues(mine, mine)).toHaveLength(1)
  })
})

describe('palette, layout and BPMN', () => {
  it('offers every node kind the engine registers', () => {
    expect(new Set(PALETTE.map((item) => item.kind))).toEqual(new Set(Object.keys(nodeTypes)))
  })

  it('lays a flow out in columns by longest path, loops ignored, and fills missing positions', () => {
    let flow = approvalFlow()
    flow = connect(flow, 'user_task_1', 'start_1')!.flow // a loop back must not push columns
    const at = autoLayout(flow)
    expect(at.start_1!.x).toBeLessThan(at.user_task_1!.x)
    expect(at.user_task_1!.x).toBeLessThan(at.end_1!.x)
    const { layout: _dropped, ...bare } = flow
    expect(Object.keys(positionsOf(bare))).toEqual(['start_1', 'user_task_1', 'end_1'])
  })

  it('the first edit of a flow without positions keeps every node where it was shown', () => {
    const { layout: _dropped, ...bare } = approvalFlow()
    const shown = positionsOf(bare)
    const added = addNode(bare, 'timer', { x: 999, y: 999 }).flow
    const pinned = pinPositions(bare, added)
    expect(pinned.layout!.positions).toEqual({ ...shown, timer_1: { x: 999, y: 999 } })
    // Once stored, positions are left alone.
    expect(pinPositions(pinned, pinned)).toBe(pinned)
  })

  it('exports BPMN with the engine and imports it back into the same graph, laid out', () => {
    const flow = setConfig(approvalFlow(), 'user_task_1', 'assignee', { kind: 'role', role: 'manager' })
    const xml = exportFlow(flow)
    expect(xml).toContain('<bpmn:userTask')
    const back = importFlow(xml)
    if (!back.ok) throw new Error(JSON.stringify(back.errors))
    expect(back.flow.nodes).toEqual(flow.nodes)
    expect(back.flow.edges).toEqual(flow.edges)
    expect(Object.keys(back.flow.layout!.positions!)).toHaveLength(3)
    const refused = importFlow('<definitions><process id="p"><subProcess id="s"/></process></definitions>')
    expect(refused.ok).toBe(false)
    expect(importFlow('not xml <<<').ok).toBe(false)
  })
})
