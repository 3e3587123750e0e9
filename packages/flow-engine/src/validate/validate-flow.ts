// validateFlow(def) → issues. Errors block publishing; warnings are shown in the designer.
import type { ConditionEvaluator } from '../conditions'
import { graphOf, isJoin, normalEdges, outgoingOf } from '../graph'
import { edgePath, nodePath, type FlowIssue } from '../issues'
import type { ValidateContext } from '../nodes/node-type'
import { isNodeKind, nodeTypeOf } from '../nodes/registry'
import type { FlowDefinition, FlowNode } from '../types'
import { defaultCheckLogic } from './check-logic'
import { checkConfig } from './config-schema'
import { exploreJoins } from './explore'

export interface ValidateOptions {
  /** Static check of a JsonLogic value (e.g. rule-engine's validateCondition bound to the record scope). */
  checkLogic?: (logic: unknown) => string | null
  /** Used by the default check to spot unknown operators. */
  evaluator?: ConditionEvaluator
}

let defaultChecker: ((logic: unknown) => string | null) | undefined

/** Replaces the default static check for every later call. */
export function setDefaultCheckLogic(check: (logic: unknown) => string | null): void {
  defaultChecker = check
}

export function validateFlow(def: FlowDefinition, options: ValidateOptions = {}): FlowIssue[] {
  const issues: FlowIssue[] = []
  const error = (code: string, message: string, path: string, extra: Partial<FlowIssue> = {}) =>
    issues.push({ code, severity: 'error', message, path, ...extra })
  const warn = (code: string, message: string, path: string, extra: Partial<FlowIssue> = {}) =>
    issues.push({ code, severity: 'warning', message, path, ...extra })

  // Structure first: later checks assume ids are unique and kinds known.
  const nodeIds = new Set<string>()
  const validNodes: FlowNode[] = []
  for (const node of def.nodes) {
    if (nodeIds.has(node.id))
      error('duplicate_id', `node id "${node.id}" is used twice`, nodePath(node.id), { nodeId: node.id })
    nodeIds.add(node.id)
    if (!isNodeKind(node.kind))
      error('unknown_node_kind', `unknown node kind "${String(node.kind)}"`, nodePath(node.id, 'kind'), {
        nodeId: node.id,
      })
    else validNodes.push(node)
  }
  const edgeIds = new Set<string>()
  for (const edge of def.edges) {
    if (edgeIds.has(edge.id) || nodeIds.has(edge.id))
      error('duplicate_id', `edge id "${edge.id}" is used twice`, edgePath(edge.id), { edgeId: edge.id })
    edgeIds.add(edge.id)
    for (const end of ['source', 'target'] as const)
      if (!nodeIds.has(edge[end]))
        error(
          'dangling_edge',
          `edge "${edge.id}" has unknown ${end} "${edge[end]}"`,
          edgePath(edge.id, end),
          {
            edgeId: edge.id,
          },
        )
  }
  const starts = validNodes.filter((node) => node.kind === 'start')
  if (starts.length === 0) error('no_start', 'the flow has no start node', 'nodes')
  if (!validNodes.some((node) => node.kind === 'end')) error('no_end', 'the flow has no end node', 'nodes')

  const graph = graphOf(def)
  const ctx: ValidateContext = {
    graph,
    checkLogic: options.checkLogic ?? defaultChecker ?? defaultCheckLogic(options.evaluator),
  }

  for (const node of validNodes) {
    const configIssues = checkConfig(node)
    issues.push(...configIssues)
    if (configIssues.length === 0) issues.push(...nodeTypeOf(node).validate(node, ctx))
    const ways =
      node.kind === 'user_task' || node.kind === 'service_task'
        ? normalEdges(outgoingOf(graph, node.id))
        : outgoingOf(graph, node.id)
    if (node.kind !== 'end' && ways.length === 0)
      error('dead_end', `"${node.name ?? node.id}" has no outgoing edge`, nodePath(node.id), {
        nodeId: node.id,
      })
  }

  for (const edge of def.edges) {
    const source = graph.nodes.get(edge.source)
    if (!source || source.kind === 'exclusive_gateway') continue
    if (edge.condition !== undefined || edge.conditionText || edge.default)
      warn(
        'condition_ignored',
        `only exclusive gateways read conditions and defaults: the one on "${edge.id}" is ignored`,
        edgePath(edge.id),
        { edgeId: edge.id, nodeId: source.id },
      )
  }

  // Reachability over every edge, whatever its trigger.
  const reached = new Set<string>()
  const stack = starts.map((node) => node.id)
  while (stack.length > 0) {
    const id = stack.pop()!
    if (reached.has(id)) continue
    reached.add(id)
    for (const edge of outgoingOf(graph, id)) stack.push(edge.target)
  }
  for (const node of validNodes)
    if (!reached.has(node.id) && starts.length > 0)
      warn(
        'unreachable_node',
        `"${node.name ?? node.id}" cannot be reached from a start`,
        nodePath(node.id),
        {
          nodeId: node.id,
        },
      )

  const joins = validNodes.filter((node) => reached.has(node.id) && isJoin(graph, node))
  if (joins.length > 0 && !issues.some((issue) => issue.code === 'dangling_edge')) {
    const { complete, firedJoins } = exploreJoins(graph)
    if (complete)
      for (const join of joins)
        if (!firedJoins.has(join.id))
          error(
            'join_never_completes',
            `the join "${join.name ?? join.id}" waits for branches that never all arrive (are they alternatives of an exclusive gateway?)`,
            nodePath(join.id),
            { nodeId: join.id },
          )
  }
  return issues
}
