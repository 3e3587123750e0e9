import type { FlowDefinition, FlowEdge, FlowNode, NodeKind } from '@trellis/flow-engine'

export interface Point {
  x: number
  y: number
}

/**
 * Positions live beside the graph, not on its nodes, as a form's layout lives beside its fields: the engine
 * never reads them, BPMN export lays the graph out itself, and moving a node stays a layout-only change.
 */
export interface FlowLayout {
  positions?: Record<string, Point>
}

export type DesignedFlow = FlowDefinition & { layout?: FlowLayout }

/** The app's flows as the designer edits them; entries that are not flows at all are left out of view. */
export function flowsOf(flows: unknown[] | undefined): DesignedFlow[] {
  return (flows ?? []).filter(
    (flow): flow is DesignedFlow =>
      typeof flow === 'object' && flow !== null && typeof (flow as { key?: unknown }).key === 'string',
  )
}

/** A flow with the arrays the designer relies on, whatever was imported or hand-written. */
export function normalized(flow: DesignedFlow): DesignedFlow {
  return {
    ...flow,
    nodes: Array.isArray(flow.nodes) ? flow.nodes : [],
    edges: Array.isArray(flow.edges) ? flow.edges : [],
  }
}

export const FLOW_KEY = /^[a-z][a-z0-9_]{0,62}$/

/** The first free `<base>_<n>` among the taken ids. */
export function freeId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken)
  for (let n = 1; ; n++) if (!used.has(`${base}_${n}`)) return `${base}_${n}`
}

/** Node and edge ids share one namespace: validateFlow reports an edge id equal to a node id. */
export function idsOf(flow: DesignedFlow): string[] {
  return [...flow.nodes.map((node) => node.id), ...flow.edges.map((edge) => edge.id)]
}

/** What a node of each kind starts with: a valid config wherever one exists without the user's choice. */
export function defaultConfig(kind: NodeKind, action?: string): FlowNode['config'] {
  switch (kind) {
    case 'start':
      return { trigger: { kind: 'manual' } }
    case 'timer':
      return { timer: { kind: 'duration', duration: 'P1D' } }
    case 'service_task':
      return { action: defaultAction(action ?? 'notify') }
    case 'user_task':
    case 'exclusive_gateway':
    case 'parallel_gateway':
    case 'end':
      return {}
  }
}

export function defaultAction(type: string): { type: string; [key: string]: unknown } {
  switch (type) {
    case 'notify':
      return { type, channel: 'in_app', to: { var: 'record.owner' }, body: { 'zh-CN': '', en: '' } }
    case 'set_fields':
      return { type, values: {} }
    case 'start_flow':
      return { type, flow: '' }
    case 'create_record':
      return { type, form: '', values: {} }
    case 'call_webhook':
      return { type, url: 'https://' }
    default:
      return { type }
  }
}

/** Drops properties set to undefined, so a cleared setting leaves no trace in the saved JSON. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

export function nodeOf(flow: DesignedFlow, id: string): FlowNode | undefined {
  return flow.nodes.find((node) => node.id === id)
}

export function edgeOf(flow: DesignedFlow, id: string): FlowEdge | undefined {
  return flow.edges.find((edge) => edge.id === id)
}

/** JSON text with object keys sorted: the server stores definitions as jsonb, which reorders keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

/** Whether two definitions are the same JSON, whatever the order of their keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}
