import type { FlowIssue, NodeKind } from '@trellis/flow-engine'
import type { TFunction } from 'i18next'
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react'
import { useTranslation } from 'react-i18next'
import { worst } from './state/issues'
import styles from './flows.module.css'

export interface FlowNodeData extends Record<string, unknown> {
  kind: NodeKind
  label: string
  detail?: string
  issues: FlowIssue[]
  /** Holds a token in the test run. */
  active: boolean
  /** The test run has passed through it. */
  visited: boolean
}

export type FlowCanvasNode = Node<FlowNodeData, 'flow'>

const GLYPHS: Record<NodeKind, string> = {
  start: '▶',
  user_task: '✔',
  service_task: '⚙',
  exclusive_gateway: '✕',
  parallel_gateway: '+',
  timer: '⏱',
  end: '■',
}

const SHAPES: Record<NodeKind, string> = {
  start: 'event',
  end: 'event',
  timer: 'event',
  exclusive_gateway: 'gateway',
  parallel_gateway: 'gateway',
  user_task: 'task',
  service_task: 'task',
}

/** One node on the canvas: its shape by kind, handles in and out, and its problems right on it. */
export function FlowNodeCard({ id, data, selected }: NodeProps<FlowCanvasNode>) {
  const { t } = useTranslation()
  const severity = worst(data.issues)
  const first = data.issues.find((issue) => issue.severity === severity)
  return (
    <div
      className={styles.node}
      data-flow-node={id}
      data-kind={data.kind}
      data-shape={SHAPES[data.kind]}
      data-issue={severity}
      data-active={data.active || undefined}
      data-visited={data.visited || undefined}
      data-selected={selected || undefined}
      title={data.issues.map((issue) => issueText(t, issue)).join('\n') || undefined}
    >
      {data.kind !== 'start' && <Handle type="target" position={Position.Left} />}
      <span className={styles.nodeGlyph} aria-hidden>
        {GLYPHS[data.kind]}
      </span>
      <span className={styles.nodeText}>
        <span className={styles.nodeLabel}>{data.label}</span>
        {data.detail && <span className={styles.nodeDetail}>{data.detail}</span>}
      </span>
      {data.kind !== 'end' && <Handle type="source" position={Position.Right} />}
      {first && (
        <span
          className={styles.nodeIssue}
          data-severity={severity}
          role={severity === 'error' ? 'alert' : undefined}
        >
          {issueText(t, first)}
          {data.issues.length > 1 && ` (+${data.issues.length - 1})`}
        </span>
      )}
    </div>
  )
}

/** An engine issue in the user's language; the engine's English message when the code has no text yet. */
export function issueText(t: TFunction, issue: FlowIssue): string {
  return t(`flows.issue.${issue.code}`, { defaultValue: issue.message })
}

export const nodeTypes = { flow: FlowNodeCard }
