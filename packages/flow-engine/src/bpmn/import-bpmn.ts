// importBpmn(xml) → { definition, warnings } | { errors, warnings }. Only the subset in docs/flows.md
// is accepted; every element outside it is listed with its id and type, not just the first.
// Elements of other namespaces (vendor extensions, diagram interchange) are ignored.
import type { FlowDefinition, FlowEdge, FlowNode, TimeSpec } from '../types'
import { BPMN_MODEL, TRELLIS, isJsonLogicLanguage } from './namespaces'
import { attr, parseXml, type XmlElement } from './xml-tree'

export interface BpmnIssue {
  code: string
  severity: 'error' | 'warning'
  message: string
  path: string
  elementId?: string
  elementType?: string
}

export type ImportResult =
  { definition: FlowDefinition; warnings: BpmnIssue[] } | { errors: BpmnIssue[]; warnings: BpmnIssue[] }

/** Root elements that only declare things; harmless to skip (what uses them is refused on its own). */
const ROOT_DECLARATIONS = new Set([
  'message',
  'signal',
  'error',
  'escalation',
  'itemDefinition',
  'category',
  'resource',
  'interface',
  'import',
  'extension',
])
const COMMON_CHILDREN = new Set(['incoming', 'outgoing', 'extensionElements', 'documentation'])
/** Annotations do not change behaviour: dropped with a warning. */
const ARTIFACTS = new Set(['textAnnotation', 'association', 'group'])

const isBpmn = (element: XmlElement) => element.ns === BPMN_MODEL
const bpmnChildren = (element: XmlElement, local?: string) =>
  element.children.filter((child) => isBpmn(child) && (local === undefined || child.local === local))

function trellisConfig(element: XmlElement): Record<string, unknown> | undefined {
  for (const ext of bpmnChildren(element, 'extensionElements'))
    for (const child of ext.children)
      if (child.ns === TRELLIS && child.local === 'config') {
        try {
          const value: unknown = JSON.parse(child.text)
          if (value && typeof value === 'object' && !Array.isArray(value))
            return value as Record<string, unknown>
        } catch {
          return undefined
        }
      }
  return undefined
}

const EVENT_DEFINITIONS = new Set([
  'timerEventDefinition',
  'messageEventDefinition',
  'signalEventDefinition',
  'errorEventDefinition',
  'escalationEventDefinition',
  'compensateEventDefinition',
  'conditionalEventDefinition',
  'linkEventDefinition',
  'cancelEventDefinition',
  'terminateEventDefinition',
  'eventDefinitionRef',
])

export function importBpmn(xml: string): ImportResult {
  const errors: BpmnIssue[] = []
  const warnings: BpmnIssue[] = []
  const refuse = (element: XmlElement, why: string, id = attr(element, 'id')) =>
    errors.push({
      code: 'unsupported_element',
      severity: 'error',
      message: `${element.local}${id ? ` "${id}"` : ''} is outside the supported subset: ${why}`,
      path: `elements.${id ?? element.local}`,
      ...(id ? { elementId: id } : {}),
      elementType: element.local,
    })
  const warn = (code: string, message: string, id: string, elementType: string) =>
    warnings.push({ code, severity: 'warning', message, path: `elements.${id}`, elementId: id, elementType })

  const parsed = parseXml(xml)
  if (!parsed.ok)
    return {
      errors: [
        {
          code: 'invalid_xml',
          severity: 'error',
          message: `${parsed.message}${parsed.line ? ` (line ${parsed.line})` : ''}`,
          path: '',
        },
      ],
      warnings,
    }
  const root = parsed.root
  if (!isBpmn(root) || root.local !== 'definitions')
    return {
      errors: [
        {
          code: 'not_bpmn',
          severity: 'error',
          message: 'the root element is not a BPMN 2.0 <definitions>',
          path: '',
        },
      ],
      warnings,
    }

  const processes: XmlElement[] = []
  for (const child of root.children) {
    if (!isBpmn(child) || ROOT_DECLARATIONS.has(child.local)) continue
    if (child.local === 'process') processes.push(child)
    else if (child.local === 'collaboration')
      refuse(child, 'pools, participants and message flows are not supported')
    else refuse(child, 'not part of the flow subset')
  }
  if (processes.length === 0)
    errors.push({ code: 'no_process', severity: 'error', message: 'the model has no <process>', path: '' })
  for (const extra of processes.slice(1))
    refuse(extra, 'a flow is one process; call activities and pools are not supported')

  const expressionLanguage = attr(root, 'expressionLanguage')
  const nodes: FlowNode[] = []
  const edges: FlowEdge[] = []
  /** Activity id → its default sequence flow (BPMN allows `default` on tasks too). */
  const activityDefaults = new Map<string, string>()
  const gatewayDefaults = new Map<string, string>()
  const boundaries: Array<{ element: XmlElement; attachedTo: string; due: TimeSpec | undefined }> = []

  // Every process is walked so that all refusals are listed; only the first becomes the definition.
  for (const [index, process] of processes.entries()) {
    const keep = index === 0
    for (const child of process.children) {
      if (!isBpmn(child) || child.local === 'extensionElements' || child.local === 'documentation') continue
      const id = attr(child, 'id') ?? ''
      const name = attr(child, 'name')
      const config = trellisConfig(child) ?? {}
      const base = { id, ...(name ? { name } : {}) }
      const definitions = bpmnChildren(child).filter((c) => EVENT_DEFINITIONS.has(c.local))
      const extraChildren = (allowed: Set<string>) => {
        for (const grand of bpmnChildren(child))
          if (
            !COMMON_CHILDREN.has(grand.local) &&
            !allowed.has(grand.local) &&
            !isEmptyIoSpecification(grand)
          )
            refuse(
              grand,
              `not supported inside ${child.local} "${id}"`,
              attr(grand, 'id') ?? `${id}/${grand.local}`,
            )
      }
      const node = (n: FlowNode) => {
        if (keep) nodes.push(n)
      }

      switch (child.local) {
        case 'startEvent':
          if (definitions.length > 0) {
            refuse(
              child,
              `${definitions.map((d) => d.local).join(', ')} start events are not supported; start flows from rules instead`,
            )
            break
          }
          extraChildren(new Set())
          node({ ...base, kind: 'start', config: { trigger: { kind: 'manual' }, ...config } } as FlowNode)
          break
        case 'endEvent': {
          const other = definitions.filter((d) => d.local !== 'terminateEventDefinition')
          if (other.length > 0) {
            refuse(child, `${other.map((d) => d.local).join(', ')} end events are not supported`)
            break
          }
          extraChildren(new Set(['terminateEventDefinition']))
          const terminate = definitions.length > 0 ? { terminate: true } : {}
          node({ ...base, kind: 'end', config: { ...terminate, ...config } } as FlowNode)
          break
        }
        case 'task':
        case 'userTask':
          // A plain BPMN task has no performer: it becomes a user task without assignee, which
          // validateFlow reports so the designer asks for one.
          extraChildren(new Set())
          node({ ...base, kind: 'user_task', config } as FlowNode)
          recordActivityDefault(child, activityDefaults)
          break
        case 'serviceTask':
          extraChildren(new Set())
          if (!config.action)
            warn(
              'service_task_without_action',
              `service task "${id}" has no Trellis action: choose one in the designer`,
              id,
              child.local,
            )
          node({
            ...base,
            kind: 'service_task',
            config: { action: { type: 'unspecified' }, ...config },
          } as FlowNode)
          recordActivityDefault(child, activityDefaults)
          break
        case 'exclusiveGateway':
        case 'parallelGateway':
          extraChildren(new Set())
          node({
            ...base,
            kind: child.local === 'exclusiveGateway' ? 'exclusive_gateway' : 'parallel_gateway',
            config: {},
          })
          if (child.local === 'exclusiveGateway' && attr(child, 'default'))
            gatewayDefaults.set(id, attr(child, 'default')!)
          break
        case 'intermediateCatchEvent': {
          const timer =
            definitions.length === 1 && definitions[0]!.local === 'timerEventDefinition'
              ? definitions[0]!
              : undefined
          if (!timer) {
            refuse(child, 'only timer intermediate events are supported')
            break
          }
          const spec = (config.timer as TimeSpec | undefined) ?? readTimer(timer)
          if (!spec) {
            refuse(
              timer,
              'timer cycles are not supported; use a duration or a date',
              attr(timer, 'id') ?? `${id}/timerEventDefinition`,
            )
            break
          }
          extraChildren(new Set(['timerEventDefinition']))
          node({ ...base, kind: 'timer', config: { timer: spec } })
          break
        }
        case 'boundaryEvent': {
          const timer =
            definitions.length === 1 && definitions[0]!.local === 'timerEventDefinition'
              ? definitions[0]!
              : undefined
          if (!timer || attr(child, 'cancelActivity') === 'false') {
            refuse(child, 'only interrupting timer boundary events (a user task’s due time) are supported')
            break
          }
          extraChildren(new Set(['timerEventDefinition']))
          if (keep)
            boundaries.push({
              element: child,
              attachedTo: attr(child, 'attachedToRef') ?? '',
              due: readTimer(timer),
            })
          break
        }
        case 'sequenceFlow': {
          const edge: FlowEdge = {
            id,
            source: attr(child, 'sourceRef') ?? '',
            target: attr(child, 'targetRef') ?? '',
          }
          if (name) edge.name = name
          if (typeof config.on === 'string') edge.on = config.on as FlowEdge['on']
          for (const condition of bpmnChildren(child, 'conditionExpression')) {
            const language = attr(condition, 'language') ?? expressionLanguage
            const body = condition.text
            if (body === '') {
              warn(
                'empty_condition',
                `sequence flow "${id}" has an empty condition; it is treated as having none`,
                id,
                'sequenceFlow',
              )
              continue
            }
            if (isJsonLogicLanguage(language)) {
              try {
                edge.condition = JSON.parse(body)
                continue
              } catch {
                // Falls through: kept as text like any other foreign condition.
              }
            }
            edge.conditionText = { ...(language ? { language } : {}), body }
            warn(
              'condition_not_jsonlogic',
              `condition "${body}" of sequence flow "${id}" is not JsonLogic: it is kept as text and must be rewritten before the flow can run`,
              id,
              'sequenceFlow',
            )
          }
          if (keep) edges.push(edge)
          break
        }
        case 'laneSet':
          refuse(child, 'lanes are not supported; use assignees by role instead')
          break
        case 'ioSpecification':
          if (isEmptyIoSpecification(child)) break
          refuse(child, 'data inputs and outputs are not supported')
          break
        default:
          if (ARTIFACTS.has(child.local)) {
            warn('ignored_artifact', `${child.local} "${id}" is ignored`, id, child.local)
            break
          }
          refuse(child, 'not part of the flow subset')
      }
    }
  }

  if (errors.length > 0) return { errors, warnings }

  const byId = new Map(nodes.map((n) => [n.id, n]))
  for (const { element, attachedTo, due } of boundaries) {
    const task = byId.get(attachedTo)
    const id = attr(element, 'id') ?? ''
    if (!task || task.kind !== 'user_task') {
      refuse(element, 'a timer boundary event must sit on a user task')
      continue
    }
    task.config.due ??= due
    for (const edge of edges)
      if (edge.source === id) {
        edge.source = task.id
        edge.on = 'due'
      }
  }
  if (errors.length > 0) return { errors, warnings }

  for (const [gatewayId, edgeId] of gatewayDefaults) {
    const edge = edges.find((e) => e.id === edgeId && e.source === gatewayId)
    if (edge) edge.default = true
  }
  splitActivityOutflows(nodes, edges, activityDefaults, warn)

  const key = attr(processes[0]!, 'id') ?? 'flow'
  const processConfig = trellisConfig(processes[0]!) ?? {}
  const name = attr(processes[0]!, 'name') ?? attr(root, 'name')
  return {
    definition: {
      key,
      version: typeof processConfig.version === 'number' ? processConfig.version : 1,
      ...(name ? { name } : {}),
      nodes,
      edges,
    },
    warnings,
  }
}

function isEmptyIoSpecification(element: XmlElement): boolean {
  return (
    element.local === 'ioSpecification' &&
    bpmnChildren(element).every(
      (c) => (c.local === 'inputSet' || c.local === 'outputSet') && bpmnChildren(c).length === 0,
    )
  )
}

function recordActivityDefault(element: XmlElement, defaults: Map<string, string>): void {
  const edgeId = attr(element, 'default')
  if (edgeId) defaults.set(attr(element, 'id') ?? '', edgeId)
}

function readTimer(definition: XmlElement): TimeSpec | undefined {
  const [spec] = bpmnChildren(definition).filter(
    (c) => c.local === 'timeDuration' || c.local === 'timeDate' || c.local === 'timeCycle',
  )
  if (!spec || spec.local === 'timeCycle') return undefined
  return spec.local === 'timeDuration'
    ? { kind: 'duration', duration: spec.text }
    : { kind: 'date', expression: spec.text }
}

/**
 * BPMN lets an activity have several outgoing flows: conditional ones (and a `default`) choose, plain
 * ones all run in parallel. Our nodes leave by one normal way, so an explicit gateway is put after
 * the activity, named `<activity>__split` (exclusive: conditions are tried in order, first match
 * wins) or `<activity>__fork` (parallel). Export writes it as a real gateway, so re-import is stable.
 */
function splitActivityOutflows(
  nodes: FlowNode[],
  edges: FlowEdge[],
  defaults: Map<string, string>,
  warn: (code: string, message: string, id: string, type: string) => void,
): void {
  for (const node of [...nodes]) {
    if (node.kind !== 'user_task' && node.kind !== 'service_task') continue
    const plain = edges.filter((e) => e.source === node.id && e.on === undefined)
    if (plain.length < 2) continue
    const conditional =
      plain.some((e) => e.condition !== undefined || e.conditionText) || defaults.has(node.id)
    const gateway: FlowNode = conditional
      ? { id: `${node.id}__split`, kind: 'exclusive_gateway', config: {} }
      : { id: `${node.id}__fork`, kind: 'parallel_gateway', config: {} }
    nodes.splice(nodes.indexOf(node) + 1, 0, gateway)
    for (const edge of plain) {
      edge.source = gateway.id
      if (defaults.get(node.id) === edge.id) edge.default = true
    }
    edges.push({ id: `${node.id}__out`, source: node.id, target: gateway.id })
    if (conditional)
      warn(
        'conditional_flows_as_gateway',
        `the conditional flows leaving "${node.id}" now go through exclusive gateway "${gateway.id}" (first true condition wins)`,
        node.id,
        'sequenceFlow',
      )
  }
}
