import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { advance, exportBpmn, importBpmn, validateFlow, type FlowDefinition } from '../src/index'
import { quotationApproval, serviceTicket } from './support/definitions'
import { evaluator } from './support/evaluator'
import { T0, approveAll, run } from './support/drive'

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const fixtures = path.resolve(repoRoot, '../shared/fixtures/bpmn-miwg')
const fixture = (name: string) => readFileSync(path.join(fixtures, `${name}.bpmn`), 'latin1')

function imported(xml: string): FlowDefinition {
  const result = importBpmn(xml)
  if (!('definition' in result)) throw new Error(JSON.stringify(result.errors, null, 2))
  return result.definition
}

/** Equivalent: same nodes and edges by id, whatever their order. */
const normalized = (def: FlowDefinition) => ({
  ...def,
  nodes: [...def.nodes].sort((a, b) => a.id.localeCompare(b.id)),
  edges: [...def.edges].sort((a, b) => a.id.localeCompare(b.id)),
})

describe('BPMN MIWG reference models inside the subset', () => {
  it.each(['A.1.0', 'A.2.0', 'A.2.1'])(
    '%s imports, and export → import gives an equivalent definition',
    (name) => {
      const def = imported(fixture(name))
      expect(def.nodes.length).toBeGreaterThan(3)
      const again = imported(exportBpmn(def))
      expect(normalized(again)).toEqual(normalized(def))
    },
  )

  it('A.1.0 maps plain tasks to user tasks without assignee, which validateFlow warns about', () => {
    const def = imported(fixture('A.1.0'))
    expect(def.nodes.map((n) => n.kind)).toEqual(['start', 'user_task', 'user_task', 'user_task', 'end'])
    expect(def.nodes[1]).toEqual({
      id: '_ec59e164-68b4-4f94-98de-ffb1c58a84af',
      name: 'Task 1',
      kind: 'user_task',
      config: {},
    })
    const issues = validateFlow(def, { evaluator })
    expect(issues.map((i) => i.code)).toEqual(['missing_assignee', 'missing_assignee', 'missing_assignee'])
    expect(issues[0]).toMatchObject({
      nodeId: '_ec59e164-68b4-4f94-98de-ffb1c58a84af',
      path: 'nodes._ec59e164-68b4-4f94-98de-ffb1c58a84af.config.assignee',
    })
  })

  it('A.1.0 runs to its end', () => {
    const def = imported(fixture('A.1.0'))
    const steps = run(def, { kind: 'start', at: T0 }, approveAll)
    expect(steps.at(-1)!.state.status).toBe('completed')
  })

  it('A.2.0 keeps the exclusive gateways; validateFlow flags the missing defaults and conditions', () => {
    const def = imported(fixture('A.2.0'))
    expect(def.nodes.filter((n) => n.kind === 'exclusive_gateway')).toHaveLength(2)
    const codes = validateFlow(def, { evaluator }).map((i) => i.code)
    expect(codes).toContain('gateway_without_default')
  })

  it('A.2.1 keeps non-JsonLogic conditions as text with a warning, and reads defaults', () => {
    const result = importBpmn(fixture('A.2.1'))
    if (!('definition' in result)) throw new Error('refused')
    const { definition: def, warnings } = result
    const condition = def.edges.find((e) => e.id === '_To9Z7TOCEeSknpIVFCxNIQ')!
    expect(condition.conditionText).toEqual({ language: 'http://www.w3.org/1999/XPath', body: 'true' })
    expect(warnings).toContainEqual(
      expect.objectContaining({
        code: 'condition_not_jsonlogic',
        elementId: '_To9Z7TOCEeSknpIVFCxNIQ',
        elementType: 'sequenceFlow',
      }),
    )
    expect(warnings.filter((w) => w.code === 'empty_condition').map((w) => w.elementId)).toHaveLength(4)
    expect(def.edges.find((e) => e.id === '_To9Z6jOCEeSknpIVFCxNIQ')!.default).toBe(true)
    // Task 2 and Task 4 had conditional flows and a default of their own: now explicit gateways.
    expect(def.nodes.filter((n) => n.id.endsWith('__split')).map((n) => n.id)).toEqual([
      '_To9ZtjOCEeSknpIVFCxNIQ__split',
      '_To9ZzzOCEeSknpIVFCxNIQ__split',
    ])
    expect(def.edges.find((e) => e.id === 'Bpmn_SequenceFlow_edepQQbbEealeL5I4Yl3Dw')).toMatchObject({
      source: '_To9ZtjOCEeSknpIVFCxNIQ__split',
      default: true,
    })
    // Until the text is rewritten as JsonLogic the flow is not runnable.
    expect(validateFlow(def, { evaluator })).toContainEqual(
      expect.objectContaining({
        code: 'bad_condition',
        severity: 'error',
        edgeId: '_To9Z7TOCEeSknpIVFCxNIQ',
      }),
    )
    // The vendor (w4, Bonita) extension elements were ignored without complaint.
    expect(warnings.every((w) => w.elementType === 'sequenceFlow')).toBe(true)
  })
})

describe('BPMN MIWG reference models outside the subset are refused element by element', () => {
  const refusals = (name: string) => {
    const result = importBpmn(fixture(name))
    if (!('errors' in result)) throw new Error(`${name} was accepted`)
    return result.errors.map((e) => `${e.elementType} ${e.elementId}`)
  }

  it('A.3.0: the sub-process and both boundary events', () => {
    expect(refusals('A.3.0')).toEqual([
      'subProcess _1ae31d1b-2559-4f78-a3ec-47986a49db48',
      'boundaryEvent _428dcbf5-8e5e-48e0-9c0c-d93003fa8c82',
      'boundaryEvent _178e16eb-4c9e-4ea0-9644-7c5fb2b71825',
    ])
    const result = importBpmn(fixture('A.3.0'))
    expect('errors' in result && result.errors[0]).toMatchObject({
      code: 'unsupported_element',
      path: 'elements._1ae31d1b-2559-4f78-a3ec-47986a49db48',
      message: expect.stringContaining('subProcess'),
    })
  })

  it('B.1.0: lanes, call activities, data objects, sub-processes, pools — all listed', () => {
    const list = refusals('B.1.0')
    const types = new Set(list.map((entry) => entry.split(' ')[0]))
    for (const type of [
      'laneSet',
      'callActivity',
      'subProcess',
      'dataObject',
      'dataObjectReference',
      'dataStoreReference',
      'collaboration',
      'dataStore',
      'process',
    ])
      expect(types).toContain(type)
    expect(list.filter((entry) => entry.startsWith('callActivity'))).toHaveLength(3)
    expect(list.every((entry) => !entry.endsWith('undefined'))).toBe(true)
  })
})

describe('export of our own definitions', () => {
  it.each([serviceTicket, quotationApproval])(
    '$key round-trips exactly, and the re-imported flow runs the same',
    (def) => {
      const xml = exportBpmn(def)
      const again = imported(xml)
      expect(again).toEqual(def)
      const record = { amount: 150000, engineer: 'e', account_manager: 'am' }
      expect(run(again, { kind: 'start', at: T0, record }, approveAll)).toEqual(
        run(def, { kind: 'start', at: T0, record }, approveAll),
      )
    },
  )

  it('writes diagram interchange for every node and edge, and the due time as a timer boundary event', () => {
    const xml = exportBpmn(serviceTicket)
    for (const node of serviceTicket.nodes) expect(xml).toContain(`bpmnElement="${node.id}"`)
    for (const edge of serviceTicket.edges)
      expect(xml).toContain(`<bpmndi:BPMNEdge id="${edge.id}_di" bpmnElement="${edge.id}">`)
    expect(xml).toContain(
      '<bpmn:boundaryEvent id="resolve__due" name="Due" attachedToRef="resolve" cancelActivity="true">',
    )
    expect(xml).toContain('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT8H</bpmn:timeDuration>')
    expect(xml).toContain('sourceRef="resolve__due" targetRef="escalate"')
    expect(xml).toMatch(/<dc:Bounds x="[\d.]+" y="[\d.]+" width="100" height="80" \/>/)
  })

  it('lays nodes out left to right along the flow', () => {
    const xml = exportBpmn(quotationApproval)
    const x = (id: string) =>
      Number(new RegExp(`bpmnElement="${id}"[^>]*>\\s*<dc:Bounds x="([\\d.]+)"`).exec(xml)![1])
    expect(x('start')).toBeLessThan(x('review'))
    expect(x('review')).toBeLessThan(x('amount'))
    expect(x('fork')).toBeLessThan(x('manager'))
    expect(x('manager')).toBe(x('finance'))
    expect(x('join')).toBeLessThan(x('send'))
  })
})

describe('import edge cases', () => {
  it('refuses text that is not XML, and XML that is not BPMN', () => {
    expect(importBpmn('<oops')).toMatchObject({ errors: [{ code: 'invalid_xml' }] })
    expect(importBpmn('<x/>')).toMatchObject({ errors: [{ code: 'not_bpmn' }] })
  })

  it('reads JsonLogic conditions and ignores vendor extensions', () => {
    const xml = `<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
  <process id="p">
    <extensionElements><camunda:properties><camunda:property name="a" value="b"/></camunda:properties></extensionElements>
    <startEvent id="s"/>
    <exclusiveGateway id="g" default="no"/>
    <userTask id="t" camunda:assignee="x"><extensionElements><camunda:taskListener event="create"/></extensionElements></userTask>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
    <sequenceFlow id="yes" sourceRef="g" targetRef="t"><conditionExpression language="https://jsonlogic.com">{"==":[{"var":"record.vip"},true]}</conditionExpression></sequenceFlow>
    <sequenceFlow id="no" sourceRef="g" targetRef="e"/>
    <sequenceFlow id="f3" sourceRef="t" targetRef="e"/>
  </process>
</definitions>`
    const result = importBpmn(xml)
    expect(result).toMatchObject({ warnings: [] })
    const def = imported(xml)
    expect(def.edges.find((e) => e.id === 'yes')!.condition).toEqual({ '==': [{ var: 'record.vip' }, true] })
    const r = advance(def, null, { kind: 'start', at: T0, record: { vip: true } }, { evaluator })
    expect(r.effects).toMatchObject([{ kind: 'create_task', nodeId: 't' }])
  })

  it('lists every refused element, including a timer cycle and a message start', () => {
    const xml = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <bpmn:process id="p">
    <bpmn:startEvent id="s"><bpmn:messageEventDefinition/></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition id="td"><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:inclusiveGateway id="ig"/>
    <bpmn:task id="t"><bpmn:standardLoopCharacteristics/></bpmn:task>
  </bpmn:process>
</bpmn:definitions>`
    const result = importBpmn(xml)
    expect('errors' in result && result.errors.map((e) => [e.elementType, e.elementId])).toEqual([
      ['startEvent', 's'],
      ['timerEventDefinition', 'td'],
      ['inclusiveGateway', 'ig'],
      ['standardLoopCharacteristics', 't/standardLoopCharacteristics'],
    ])
  })
})
