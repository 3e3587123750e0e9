// exportBpmn(def) → BPMN 2.0 XML with diagram interchange, so the flow opens in bpmn.io and Camunda
// Modeler laid out. Trellis-only settings (assignee, form, action, trigger…) ride along as JSON in
// `<trellis:config>` extension elements, which other tools keep or ignore and our import reads back.
import type { FlowDefinition, FlowEdge, FlowNode, TimeSpec } from '../types'
import { layout, type Box } from './layout'
import { BPMN_DI, BPMN_MODEL, DD_DC, DD_DI, JSONLOGIC_LANGUAGE, TRELLIS, XSI } from './namespaces'
import { element, render, type XmlNode } from './xml-writer'

const dueBoundaryId = (taskId: string) => `${taskId}__due`

function extension(config: object): XmlNode[] {
  if (Object.keys(config).length === 0) return []
  return [element('bpmn:extensionElements', {}, [element('trellis:config', {}, [], JSON.stringify(config))])]
}

function timerDefinition(spec: TimeSpec | undefined): XmlNode {
  const children =
    spec?.kind === 'duration'
      ? [element('bpmn:timeDuration', { 'xsi:type': 'bpmn:tFormalExpression' }, [], spec.duration)]
      : spec?.kind === 'date' && typeof spec.expression === 'string' && !spec.offset && !spec.yearly
        ? [element('bpmn:timeDate', { 'xsi:type': 'bpmn:tFormalExpression' }, [], spec.expression)]
        : []
  return element('bpmn:timerEventDefinition', {}, children)
}

function flowNode(node: FlowNode, def: FlowDefinition): XmlNode[] {
  const refs = [
    ...def.edges.filter((e) => e.target === node.id).map((e) => element('bpmn:incoming', {}, [], e.id)),
    ...def.edges
      .filter((e) => e.source === node.id && e.on !== 'due')
      .map((e) => element('bpmn:outgoing', {}, [], e.id)),
  ]
  const named = { id: node.id, name: node.name }
  switch (node.kind) {
    case 'start':
      return [element('bpmn:startEvent', named, [...extension(node.config), ...refs])]
    case 'end':
      return [
        element('bpmn:endEvent', named, [
          ...extension(node.config),
          ...refs,
          ...(node.config.terminate ? [element('bpmn:terminateEventDefinition')] : []),
        ]),
      ]
    case 'user_task': {
      const task = element('bpmn:userTask', named, [...extension(node.config), ...refs])
      if (!node.config.due) return [task]
      const escalations = def.edges.filter((e) => e.source === node.id && e.on === 'due')
      return [
        task,
        element(
          'bpmn:boundaryEvent',
          { id: dueBoundaryId(node.id), name: 'Due', attachedToRef: node.id, cancelActivity: 'true' },
          [
            ...escalations.map((e) => element('bpmn:outgoing', {}, [], e.id)),
            timerDefinition(node.config.due),
          ],
        ),
      ]
    }
    case 'service_task':
      return [element('bpmn:serviceTask', named, [...extension(node.config), ...refs])]
    case 'exclusive_gateway': {
      const fallback = def.edges.find((e) => e.source === node.id && e.default)
      return [element('bpmn:exclusiveGateway', { ...named, default: fallback?.id }, refs)]
    }
    case 'parallel_gateway':
      return [element('bpmn:parallelGateway', named, refs)]
    case 'timer':
      return [
        element('bpmn:intermediateCatchEvent', named, [
          ...extension(node.config),
          ...refs,
          timerDefinition(node.config.timer),
        ]),
      ]
  }
}

function sequenceFlow(edge: FlowEdge, def: FlowDefinition): XmlNode {
  const source = def.nodes.find((n) => n.id === edge.source)
  const fromBoundary = edge.on === 'due' && source?.kind === 'user_task' && source.config.due
  const children: XmlNode[] = []
  // `due` is carried by the boundary event; other triggers have no BPMN equivalent.
  if (edge.on && !fromBoundary) children.push(...extension({ on: edge.on }))
  if (edge.condition !== undefined)
    children.push(
      element(
        'bpmn:conditionExpression',
        { 'xsi:type': 'bpmn:tFormalExpression', language: JSONLOGIC_LANGUAGE },
        [],
        JSON.stringify(edge.condition),
      ),
    )
  else if (edge.conditionText)
    children.push(
      element(
        'bpmn:conditionExpression',
        { 'xsi:type': 'bpmn:tFormalExpression', language: edge.conditionText.language },
        [],
        edge.conditionText.body,
      ),
    )
  return element(
    'bpmn:sequenceFlow',
    {
      id: edge.id,
      name: edge.name,
      sourceRef: fromBoundary ? dueBoundaryId(edge.source) : edge.source,
      targetRef: edge.target,
    },
    children,
  )
}

const bounds = (box: Box) =>
  element('dc:Bounds', {
    x: round(box.x),
    y: round(box.y),
    width: round(box.width),
    height: round(box.height),
  })
const round = (n: number) => Math.round(n * 10) / 10
const waypoint = (x: number, y: number) => element('di:waypoint', { x: round(x), y: round(y) })

function dueBox(task: Box): Box {
  return { x: task.x + task.width - 28, y: task.y + task.height - 18, width: 36, height: 36 }
}

function edgeShape(edge: FlowEdge, def: FlowDefinition, boxes: Map<string, Box>): XmlNode | null {
  const sourceNode = def.nodes.find((n) => n.id === edge.source)
  let from = boxes.get(edge.source)
  const to = boxes.get(edge.target)
  if (!from || !to) return null
  const fromBoundary = edge.on === 'due' && sourceNode?.kind === 'user_task' && sourceNode.config.due
  if (fromBoundary) from = dueBox(from)
  const points: XmlNode[] = []
  if (fromBoundary || to.x <= from.x) {
    // Escalations and loops leave downwards and come back in from below, clear of the main line.
    const sx = from.x + from.width / 2
    const sy = from.y + from.height
    const tx = to.x + to.width / 2
    const ty = to.y + to.height
    const low = Math.max(sy, ty) + 40
    points.push(waypoint(sx, sy), waypoint(sx, low), waypoint(tx, low), waypoint(tx, ty))
  } else {
    const sx = from.x + from.width
    const sy = from.y + from.height / 2
    const tx = to.x
    const ty = to.y + to.height / 2
    points.push(waypoint(sx, sy))
    if (Math.abs(sy - ty) > 0.5) {
      const mid = (sx + tx) / 2
      points.push(waypoint(mid, sy), waypoint(mid, ty))
    }
    points.push(waypoint(tx, ty))
  }
  return element('bpmndi:BPMNEdge', { id: `${edge.id}_di`, bpmnElement: edge.id }, points)
}

export function exportBpmn(def: FlowDefinition): string {
  const boxes = layout(def)
  const process = element('bpmn:process', { id: def.key, name: def.name, isExecutable: 'true' }, [
    ...extension({ version: def.version }),
    ...def.nodes.flatMap((node) => flowNode(node, def)),
    ...def.edges.map((edge) => sequenceFlow(edge, def)),
  ])
  const shapes: XmlNode[] = []
  for (const node of def.nodes) {
    const box = boxes.get(node.id)!
    const marker = node.kind === 'exclusive_gateway' ? { isMarkerVisible: 'true' } : {}
    shapes.push(
      element('bpmndi:BPMNShape', { id: `${node.id}_di`, bpmnElement: node.id, ...marker }, [bounds(box)]),
    )
    if (node.kind === 'user_task' && node.config.due)
      shapes.push(
        element(
          'bpmndi:BPMNShape',
          { id: `${dueBoundaryId(node.id)}_di`, bpmnElement: dueBoundaryId(node.id) },
          [bounds(dueBox(box))],
        ),
      )
  }
  const edgeShapes = def.edges.flatMap((edge) => edgeShape(edge, def, boxes) ?? [])
  const diagram = element('bpmndi:BPMNDiagram', { id: `${def.key}_diagram` }, [
    element('bpmndi:BPMNPlane', { id: `${def.key}_plane`, bpmnElement: def.key }, [...shapes, ...edgeShapes]),
  ])
  const root = element(
    'bpmn:definitions',
    {
      'xmlns:bpmn': BPMN_MODEL,
      'xmlns:bpmndi': BPMN_DI,
      'xmlns:dc': DD_DC,
      'xmlns:di': DD_DI,
      'xmlns:xsi': XSI,
      'xmlns:trellis': TRELLIS,
      id: `${def.key}_definitions`,
      targetNamespace: 'urn:trellis:flows',
      exporter: 'Trellis',
      exporterVersion: '1',
    },
    [process, diagram],
  )
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(root)}\n`
}
