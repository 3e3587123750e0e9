// Auto-layout, written here rather than pulling in @dagrejs/dagre: flows are tens of nodes, and longest-path
// layering (columns left to right, loops' back edges ignored) plus one barycentre pass to order each column
// gives readable drawings in ~60 lines and no extra chunk. It also matches the columns the engine's BPMN
// export uses, so a flow looks the same here and in a BPMN modeler.
import type { DesignedFlow, Point } from './flow-doc'

export const COLUMN_WIDTH = 240
export const ROW_HEIGHT = 130
const ORIGIN = { x: 40, y: 200 }

export function autoLayout(flow: DesignedFlow): Record<string, Point> {
  const ids = flow.nodes.map((node) => node.id)
  const known = new Set(ids)
  const edges = flow.edges.filter((e) => known.has(e.source) && known.has(e.target) && e.source !== e.target)
  const out = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const edge of edges) out.get(edge.source)!.push(edge.target)

  // Depth-first from the starts (then from anything left) marks back edges, so loops cannot grow columns.
  const back = new Set<string>()
  const seen = new Map<string, 'open' | 'done'>()
  const visit = (id: string) => {
    seen.set(id, 'open')
    for (const next of out.get(id)!) {
      if (seen.get(next) === 'open') back.add(`${id}->${next}`)
      else if (!seen.has(next)) visit(next)
    }
    seen.set(id, 'done')
  }
  for (const node of flow.nodes) if (node.kind === 'start' && !seen.has(node.id)) visit(node.id)
  for (const id of ids) if (!seen.has(id)) visit(id)
  const forward = edges.filter((e) => !back.has(`${e.source}->${e.target}`))

  // Longest path by relaxation: the forward graph is acyclic, so |V| rounds suffice.
  const column = new Map<string, number>(ids.map((id) => [id, 0]))
  for (let round = 0; round < ids.length; round++) {
    let changed = false
    for (const edge of forward) {
      const next = column.get(edge.source)! + 1
      if (next > column.get(edge.target)!) {
        column.set(edge.target, next)
        changed = true
      }
    }
    if (!changed) break
  }

  const columns: string[][] = []
  for (const id of ids) (columns[column.get(id)!] ??= []).push(id)
  // Order each column by the mean row of its predecessors, so edges between columns cross less.
  const row = new Map<string, number>()
  for (const members of columns) {
    if (!members) continue
    const weight = (id: string) => {
      const rows = forward.filter((e) => e.target === id && row.has(e.source)).map((e) => row.get(e.source)!)
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY
    }
    const ordered = members
      .map((id, index) => ({ id, index, w: weight(id) }))
      .sort((a, b) => a.w - b.w || a.index - b.index)
    ordered.forEach(({ id }, i) => row.set(id, i - (ordered.length - 1) / 2))
  }

  return Object.fromEntries(
    ids.map((id) => [
      id,
      { x: ORIGIN.x + column.get(id)! * COLUMN_WIDTH, y: Math.round(ORIGIN.y + row.get(id)! * ROW_HEIGHT) },
    ]),
  )
}

/** Nodes without a stored position (an import, a hand-written flow) get the auto-layout's place. */
export function positionsOf(flow: DesignedFlow): Record<string, Point> {
  const stored = flow.layout?.positions ?? {}
  if (flow.nodes.every((node) => stored[node.id])) return stored
  return { ...autoLayout(flow), ...stored }
}

/**
 * The first edit of a flow that has no stored positions (from a template or an import elsewhere) stores
 * the positions it was shown at: otherwise adding a node would re-run the auto-layout and move the others.
 */
export function pinPositions(previous: DesignedFlow, next: DesignedFlow): DesignedFlow {
  const stored = previous.layout?.positions ?? {}
  if (previous.nodes.every((node) => stored[node.id])) return next
  const shown = positionsOf(previous)
  const ids = new Set(next.nodes.map((node) => node.id))
  const pinned = Object.fromEntries(Object.entries(shown).filter(([id]) => ids.has(id)))
  return { ...next, layout: { ...next.layout, positions: { ...pinned, ...next.layout?.positions } } }
}
