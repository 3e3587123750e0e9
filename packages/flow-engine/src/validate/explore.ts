// Static token game for joins. Tokens sit on edges; every node may take any of its exits (an exclusive
// gateway any one edge, a user task approve/reject/due, a fork all edges) and a join fires once every
// incoming edge holds a token. A join that fires in no reachable marking can never complete, e.g. one
// fed by two branches of the same exclusive gateway. The search is bounded: when a definition is too
// large or too loopy to explore fully it reports nothing rather than guessing.
import { incomingOf, isJoin, type Graph } from '../graph'
import { nodeTypeOf } from '../nodes/registry'

const MAX_MARKINGS = 20_000
/** Tokens per edge beyond this are dropped: loops then terminate without losing which joins can fire. */
const MAX_PER_EDGE = 2

type Marking = Map<string, number>

const keyOf = (marking: Marking) =>
  [...marking.entries()]
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([edge, n]) => `${edge}*${n}`)
    .join(',')

export interface Exploration {
  complete: boolean
  firedJoins: Set<string>
}

export function exploreJoins(graph: Graph): Exploration {
  const firedJoins = new Set<string>()
  const seen = new Set<string>()
  const queue: Marking[] = []
  const edgeById = new Map(graph.def.edges.map((edge) => [edge.id, edge]))

  const push = (marking: Marking) => {
    const key = keyOf(marking)
    if (seen.has(key)) return
    seen.add(key)
    queue.push(marking)
  }
  const put = (marking: Marking, edgeIds: string[]) => {
    const next = new Map(marking)
    for (const id of edgeIds) next.set(id, Math.min(MAX_PER_EDGE, (next.get(id) ?? 0) + 1))
    return next
  }

  for (const node of graph.def.nodes) {
    if (node.kind !== 'start') continue
    for (const exit of nodeTypeOf(node).exits(node, graph))
      push(
        put(
          new Map(),
          exit.map((e) => e.id),
        ),
      )
  }

  while (queue.length > 0) {
    if (seen.size > MAX_MARKINGS) return { complete: false, firedJoins }
    const marking = queue.shift()!
    for (const [edgeId, count] of marking) {
      if (count === 0) continue
      const edge = edgeById.get(edgeId)
      const node = edge && graph.nodes.get(edge.target)
      if (!node) continue
      if (isJoin(graph, node)) {
        const incoming = incomingOf(graph, node.id)
        if (!incoming.every((e) => (marking.get(e.id) ?? 0) > 0)) continue
        firedJoins.add(node.id)
        const next = new Map(marking)
        for (const e of incoming) next.set(e.id, next.get(e.id)! - 1)
        for (const exit of nodeTypeOf(node).exits(node, graph))
          push(
            put(
              next,
              exit.map((e) => e.id),
            ),
          )
        continue
      }
      const next = new Map(marking)
      next.set(edgeId, count - 1)
      const exits = nodeTypeOf(node).exits(node, graph)
      if (exits.length === 0) push(next)
      for (const exit of exits)
        push(
          put(
            next,
            exit.map((e) => e.id),
          ),
        )
    }
  }
  return { complete: true, firedJoins }
}
