import type { FlowEdge, FlowNode } from '@trellis/flow-engine'
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type OnDelete,
} from '@xyflow/react'
import { useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { issueText, nodeTypes, type FlowCanvasNode } from './FlowNodeCard'
import { positionsOf } from './state/auto-layout'
import type { DesignedFlow, Point } from './state/flow-doc'
import { connect, moveNodes, removeElements } from './state/flow-edits'
import { worst, type PlacedFlowIssues } from './state/issues'
import styles from './flows.module.css'

export interface Selection {
  nodes: string[]
  edges: string[]
}

export interface FlowCanvasProps {
  flow: DesignedFlow
  issues: PlacedFlowIssues
  marks: { active: Set<string>; visited: Set<string> }
  selection: Selection
  /** Takes an updater: xyflow reports node and edge selection in two calls of one click. */
  onSelection: (update: (current: Selection) => Selection) => void
  onEdit: (flow: DesignedFlow) => void
  describe: (node: FlowNode) => { label: string; detail?: string }
  describeEdge: (edge: FlowEdge) => string | undefined
  /** Editing is off during a test run: the run walks the graph it started with. */
  readOnly: boolean
}

type Size = { width: number; height: number }

/** Applies select/unselect changes to a list of selected ids. */
function toggle(ids: string[], changes: { id: string; selected: boolean }[]): string[] {
  let next = ids
  for (const change of changes)
    next = change.selected
      ? next.includes(change.id)
        ? next
        : [...next, change.id]
      : next.filter((id) => id !== change.id)
  return next
}

/**
 * The definition drawn with xyflow. The definition stays the single source of truth: xyflow's nodes are
 * derived on every render, with only what xyflow itself measures (sizes) and the positions of a drag in
 * progress kept here. A finished drag, a connection or a deletion becomes one edit of the definition.
 */
export function FlowCanvas(props: FlowCanvasProps) {
  const { flow, issues, marks, selection, onSelection, onEdit, describe, describeEdge, readOnly } = props
  const { t } = useTranslation()
  const [sizes, setSizes] = useState<Record<string, Size>>({})
  const [dragging, setDragging] = useState<Record<string, Point>>({})
  const positions = useMemo(() => positionsOf(flow), [flow])
  // xyflow fits the view once, when the first nodes are measured. On an empty flow that would be the first
  // dropped node, zooming away under the user's hand; so only a flow that opens with nodes is fitted.
  const [fitOnOpen] = useState(() => flow.nodes.length > 0)

  const nodes = useMemo<FlowCanvasNode[]>(
    () =>
      flow.nodes.map((node) => ({
        id: node.id,
        type: 'flow',
        position: dragging[node.id] ?? positions[node.id] ?? { x: 0, y: 0 },
        selected: selection.nodes.includes(node.id),
        ...(sizes[node.id] ? { measured: sizes[node.id] } : {}),
        data: {
          kind: node.kind,
          ...describe(node),
          issues: issues.nodes.get(node.id) ?? [],
          active: marks.active.has(node.id),
          visited: marks.visited.has(node.id),
        },
      })),
    [flow.nodes, dragging, positions, selection.nodes, sizes, describe, issues, marks],
  )

  const edges = useMemo<Edge[]>(
    () =>
      flow.edges.map((edge) => {
        const edgeIssues = issues.edges.get(edge.id) ?? []
        const severity = worst(edgeIssues)
        const label = [describeEdge(edge), ...edgeIssues.map((issue) => issueText(t, issue))]
          .filter(Boolean)
          .join(' · ')
        const colour =
          severity === 'error' ? 'var(--danger)' : severity === 'warning' ? 'var(--warning)' : undefined
        return {
          id: edge.id,
          source: edge.source,
          target: edge.target,
          type: 'smoothstep',
          selected: selection.edges.includes(edge.id),
          markerEnd: { type: MarkerType.ArrowClosed, ...(colour ? { color: colour } : {}) },
          ...(label ? { label } : {}),
          ...(colour ? { style: { stroke: colour, strokeWidth: 2 } } : {}),
          className: marks.visited.has(edge.source) && marks.visited.has(edge.target) ? styles.edgeRun : '',
          data: { severity },
          domAttributes: { 'data-flow-edge': edge.id } as Edge['domAttributes'],
        } satisfies Edge
      }),
    [flow.edges, issues, selection.edges, describeEdge, marks, t],
  )

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowCanvasNode>[]) => {
      const measured: Record<string, Size> = {}
      const moved: Record<string, Point> = {}
      const selects: { id: string; selected: boolean }[] = []
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions) measured[change.id] = change.dimensions
        else if (change.type === 'position' && change.dragging && change.position)
          moved[change.id] = change.position
        else if (change.type === 'select') selects.push(change)
      }
      if (Object.keys(measured).length) setSizes((current) => ({ ...current, ...measured }))
      if (Object.keys(moved).length) setDragging((current) => ({ ...current, ...moved }))
      if (selects.length)
        onSelection((current) => ({
          nodes: toggle(current.nodes, selects),
          edges: selects.some((change) => change.selected) ? [] : current.edges,
        }))
    },
    [onSelection],
  )

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const selects = changes.filter((change) => change.type === 'select')
      if (selects.length)
        onSelection((current) => ({
          nodes: selects.some((change) => change.selected) ? [] : current.nodes,
          edges: toggle(current.edges, selects),
        }))
    },
    [onSelection],
  )

  const onNodeDragStop = useCallback(
    (_event: unknown, _node: FlowCanvasNode, dragged: FlowCanvasNode[]) => {
      setDragging({})
      const moved = Object.fromEntries(dragged.map((node) => [node.id, node.position]))
      const changed = dragged.some(
        (node) =>
          Math.round(node.position.x) !== positions[node.id]?.x ||
          Math.round(node.position.y) !== positions[node.id]?.y,
      )
      if (changed) onEdit(moveNodes(flow, moved))
    },
    [flow, onEdit, positions],
  )

  const onConnect = useCallback(
    (connection: Connection) => {
      const result = connect(flow, connection.source, connection.target)
      if (!result) return
      onEdit(result.flow)
      onSelection(() => ({ nodes: [], edges: [result.id] }))
    },
    [flow, onEdit, onSelection],
  )

  const onDelete: OnDelete<FlowCanvasNode, Edge> = useCallback(
    ({ nodes: removedNodes, edges: removedEdges }) => {
      onEdit(
        removeElements(
          flow,
          removedNodes.map((node) => node.id),
          removedEdges.map((edge) => edge.id),
        ),
      )
      onSelection(() => ({ nodes: [], edges: [] }))
    },
    [flow, onEdit, onSelection],
  )

  return (
    <ReactFlow<FlowCanvasNode, Edge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onNodeDragStop={onNodeDragStop}
      onConnect={onConnect}
      onDelete={onDelete}
      onPaneClick={() => onSelection(() => ({ nodes: [], edges: [] }))}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
      fitView={fitOnOpen}
      // Not below 45 %: a big flow opens readable (the mini-map shows the rest) rather than as a thumbnail.
      fitViewOptions={{ maxZoom: 1.2, minZoom: 0.45, padding: 0.1 }}
      minZoom={0.2}
      aria-label={t('flows.canvas.label')}
    >
      <Background gap={16} />
      <Controls showInteractive={false} />
      {flow.nodes.length > 6 && <MiniMap pannable zoomable ariaLabel={t('flows.canvas.minimap')} />}
    </ReactFlow>
  )
}
