// The flow engine's own validator, run in the browser on every edit: the same function the server runs
// before publishing, so what the canvas shows is what a publish would refuse.
import { validateFlow, type FlowIssue } from '@trellis/flow-engine'
import type { DesignedFlow } from './flow-doc'

export interface PlacedFlowIssues {
  /** Issues by node id (node problems, and an edge's problems also on the node it leaves). */
  nodes: Map<string, FlowIssue[]>
  edges: Map<string, FlowIssue[]>
  /** Issues of the whole flow (no start, no end). */
  flow: FlowIssue[]
  errors: number
  warnings: number
}

// Definitions are immutable and an edit replaces only the flow it touches: the others keep their issues.
const checked = new WeakMap<DesignedFlow, FlowIssue[]>()

export function checkFlow(flow: DesignedFlow): FlowIssue[] {
  let issues = checked.get(flow)
  if (!issues) {
    try {
      issues = validateFlow(flow)
    } catch (error) {
      // A definition too malformed for the validator's own walk is one error, as the server reports it.
      issues = [{ code: 'bad_flow', severity: 'error', message: (error as Error).message, path: '' }]
    }
    checked.set(flow, issues)
  }
  return issues
}

export function placeFlowIssues(issues: FlowIssue[]): PlacedFlowIssues {
  const placed: PlacedFlowIssues = { nodes: new Map(), edges: new Map(), flow: [], errors: 0, warnings: 0 }
  const add = (map: Map<string, FlowIssue[]>, id: string, issue: FlowIssue) =>
    map.set(id, [...(map.get(id) ?? []), issue])
  for (const issue of issues) {
    if (issue.severity === 'error') placed.errors++
    else placed.warnings++
    if (issue.edgeId) add(placed.edges, issue.edgeId, issue)
    if (issue.nodeId && !issue.edgeId) add(placed.nodes, issue.nodeId, issue)
    if (!issue.nodeId && !issue.edgeId) placed.flow.push(issue)
  }
  return placed
}

/** The worst severity among issues, for the outline colour. */
export function worst(issues: FlowIssue[] | undefined): 'error' | 'warning' | undefined {
  if (!issues?.length) return undefined
  return issues.some((issue) => issue.severity === 'error') ? 'error' : 'warning'
}

/** A server issue (`GET /flows?source=draft`): paths rooted at the app, tagged with the flow's key. */
export type ServerFlowIssue = FlowIssue & { flow: string }

/** The server's issues of one flow, with paths as the engine reports them (`nodes.<id>…`). */
export function serverIssuesOf(issues: ServerFlowIssue[], flowKey: string): FlowIssue[] {
  return issues
    .filter((issue) => issue.flow === flowKey)
    .map(({ flow: _flow, ...issue }) => ({ ...issue, path: issue.path.replace(/^flows\.\d+\.?/, '') }))
}

/** Client and server issues together, each problem once (same code at the same path). */
export function mergeIssues(client: FlowIssue[], server: FlowIssue[]): FlowIssue[] {
  const seen = new Set(client.map((issue) => `${issue.code}@${issue.path}`))
  return [...client, ...server.filter((issue) => !seen.has(`${issue.code}@${issue.path}`))]
}
