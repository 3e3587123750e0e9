// Every change the flow designer makes, as pure functions from one definition to the next. The tab turns
// each result into one `setSection('flows', …)` call, so the top bar's undo, save and publish cover it.
import type { FlowEdge, FlowNode, NodeKind } from '@trellis/flow-engine'
import {
  defaultConfig,
  freeId,
  idsOf,
  normalized,
  withoutUndefined,
  type DesignedFlow,
  type Point,
} from './flow-doc'

// ---- the list of flows ----

export function createFlow(flows: DesignedFlow[], key: string, name: string): DesignedFlow[] {
  return [...flows, { key, version: 1, ...(name ? { name } : {}), nodes: [], edges: [] }]
}

export function renameFlow(flows: DesignedFlow[], key: string, name: string): DesignedFlow[] {
  return flows.map((flow) =>
    flow?.key === key ? withoutUndefined({ ...flow, name: name || undefined }) : flow,
  )
}

export function deleteFlow(flows: DesignedFlow[], key: string): DesignedFlow[] {
  return flows.filter((flow) => flow?.key !== key)
}

/** Adds an imported flow, or replaces the one with the same key (as the server's import does). */
export function putFlow(flows: DesignedFlow[], flow: DesignedFlow): DesignedFlow[] {
  return flows.some((f) => f?.key === flow.key)
    ? flows.map((f) => (f?.key === flow.key ? flow : f))
    : [...flows, flow]
}

export function updateFlow(
  flows: DesignedFlow[],
  key: string,
  change: (flow: DesignedFlow) => DesignedFlow,
): DesignedFlow[] {
  return flows.map((flow) => (flow?.key === key ? change(normalized(flow)) : flow))
}

// ---- one flow's graph ----

function withPositions(flow: DesignedFlow, positions: Record<string, Point>): DesignedFlow {
  return { ...flow, layout: { ...flow.layout, positions } }
}

const rounded = (point: Point): Point => ({ x: Math.round(point.x), y: Math.round(point.y) })

/** A node dropped from the palette: a fresh id (`user_task_1`), its kind's default config, at `position`. */
export function addNode(
  flow: DesignedFlow,
  kind: NodeKind,
  position: Point,
  options: { name?: string; action?: string } = {},
): { flow: DesignedFlow; id: string } {
  const id = freeId(kind, idsOf(flow))
  const node = {
    id,
    kind,
    ...(options.name ? { name: options.name } : {}),
    config: defaultConfig(kind, options.action),
  } as FlowNode
  const next = withPositions(
    { ...flow, nodes: [...flow.nodes, node] },
    { ...flow.layout?.positions, [id]: rounded(position) },
  )
  return { flow: next, id }
}

export function moveNodes(flow: DesignedFlow, moved: Record<string, Point>): DesignedFlow {
  const positions = { ...flow.layout?.positions }
  for (const [id, point] of Object.entries(moved)) positions[id] = rounded(point)
  return withPositions(flow, positions)
}

/** Removes nodes (with every edge touching them) and edges. */
export function removeElements(flow: DesignedFlow, nodeIds: string[], edgeIds: string[] = []): DesignedFlow {
  const nodes = new Set(nodeIds)
  const edges = new Set(edgeIds)
  const positions = Object.fromEntries(
    Object.entries(flow.layout?.positions ?? {}).filter(([id]) => !nodes.has(id)),
  )
  return withPositions(
    {
      ...flow,
      nodes: flow.nodes.filter((node) => !nodes.has(node.id)),
      edges: flow.edges.filter(
        (edge) => !edges.has(edge.id) && !nodes.has(edge.source) && !nodes.has(edge.target),
      ),
    },
    positions,
  )
}

/**
 * An edge drawn between two handles. A loop onto the same node and an exact duplicate are refused (null):
 * neither can mean anything; every other shape is left to the engine's validator to judge on the canvas.
 */
export function connect(
  flow: DesignedFlow,
  source: string,
  target: string,
): { flow: DesignedFlow; id: string } | null {
  if (source === target) return null
  if (!flow.nodes.some((n) => n.id === source) || !flow.nodes.some((n) => n.id === target)) return null
  if (flow.edges.some((edge) => edge.source === source && edge.target === target && edge.on === undefined))
    return null
  const id = freeId('edge', idsOf(flow))
  return { flow: { ...flow, edges: [...flow.edges, { id, source, target }] }, id }
}

export function updateNode(
  flow: DesignedFlow,
  id: string,
  patch: { name?: string | undefined; config?: FlowNode['config'] },
): DesignedFlow {
  return {
    ...flow,
    nodes: flow.nodes.map((node) =>
      node.id === id
        ? (withoutUndefined({
            ...node,
            ...patch,
            name: 'name' in patch ? patch.name || undefined : node.name,
          }) as FlowNode)
        : node,
    ),
  }
}

/** One key of a node's config; undefined removes it. */
export function setConfig(flow: DesignedFlow, id: string, key: string, value: unknown): DesignedFlow {
  const node = flow.nodes.find((n) => n.id === id)
  if (!node) return flow
  const config = withoutUndefined({ ...(node.config as Record<string, unknown>), [key]: value })
  return updateNode(flow, id, { config: config as FlowNode['config'] })
}

type EdgePatch = { [K in keyof Omit<FlowEdge, 'id' | 'source' | 'target'>]?: FlowEdge[K] | undefined }

/**
 * Changes an edge. Making it the default unmarks the gateway's other default edge, since a gateway has
 * one fallback; a default edge needs no condition, so its condition goes.
 */
export function updateEdge(flow: DesignedFlow, id: string, patch: EdgePatch): DesignedFlow {
  const edge = flow.edges.find((e) => e.id === id)
  if (!edge) return flow
  const next = withoutUndefined({ ...edge, ...patch }) as FlowEdge
  if (next.default === false) delete next.default
  if (patch.default) {
    delete next.condition
    delete next.conditionText
  }
  if (patch.condition !== undefined) delete next.conditionText
  return {
    ...flow,
    edges: flow.edges.map((e) => {
      if (e.id === id) return next
      if (patch.default && e.source === edge.source && e.default) {
        const { default: _dropped, ...rest } = e
        return rest
      }
      return e
    }),
  }
}
