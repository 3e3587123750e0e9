// A simple layered layout for the exported diagram: each node's column is its longest distance from
// a start (back edges of loops ignored), rows stack nodes of the same column. Enough for bpmn.io and
// Camunda Modeler to open the model readably; the designer keeps its own positions.
import type { FlowDefinition, FlowNode } from '../types'

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

const COLUMN = 180
const ROW = 140
const MARGIN = 80

export function sizeOf(node: FlowNode): { width: number; height: number } {
  switch (node.kind) {
    case 'start':
    case 'end':
    case 'timer':
      return { width: 36, height: 36 }
    case 'exclusive_gateway':
    case 'parallel_gateway':
      return { width: 50, height: 50 }
    case 'user_task':
    case 'service_task':
      return { width: 100, height: 80 }
  }
}

export function layout(def: FlowDefinition): Map<string, Box> {
  const ids = def.nodes.map((n) => n.id)
  const out = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const edge of def.edges) out.get(edge.source)?.push(edge.target)

  // Depth-first from the starts marks back edges (to a node still on the stack) so loops do not
  // push columns to infinity.
  const back = new Set<string>()
  const state = new Map<string, 'open' | 'done'>()
  const visit = (id: string) => {
    state.set(id, 'open')
    for (const next of out.get(id) ?? []) {
      if (state.get(next) === 'open') back.add(`${id}->${next}`)
      else if (!state.has(next)) visit(next)
    }
    state.set(id, 'done')
  }
  for (const node of def.nodes) if (node.kind === 'start' && !state.has(node.id)) visit(node.id)
  for (const id of ids) if (!state.has(id)) visit(id)

  const column = new Map<string, number>(ids.map((id) => [id, 0]))
  // Longest path by relaxation; the graph without back edges is acyclic, so |V| rounds suffice.
  for (let round = 0; round < ids.length; round++) {
    let changed = false
    for (const edge of def.edges) {
      if (back.has(`${edge.source}->${edge.target}`) || !column.has(edge.source) || !column.has(edge.target))
        continue
      const next = column.get(edge.source)! + 1
      if (next > column.get(edge.target)!) {
        column.set(edge.target, next)
        changed = true
      }
    }
    if (!changed) break
  }

  const rows = new Map<number, number>()
  const boxes = new Map<string, Box>()
  for (const node of def.nodes) {
    const col = column.get(node.id)!
    const row = rows.get(col) ?? 0
    rows.set(col, row + 1)
    const { width, height } = sizeOf(node)
    // Centre every shape on its grid cell so edges between neighbours run straight.
    const cx = MARGIN + col * COLUMN + 50
    const cy = MARGIN + row * ROW + 40
    boxes.set(node.id, { x: cx - width / 2, y: cy - height / 2, width, height })
  }
  return boxes
}
