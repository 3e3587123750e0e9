import type { AppDefinition } from '@trellis/form-engine'
import type { FlowEdge, FlowNode } from '@trellis/flow-engine'
import { useReactFlow } from '@xyflow/react'
import { useCallback, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { EmptyState } from '../ui/EmptyState'
import { TextInput } from '../ui/inputs'
import { Segmented } from '../ui/Segmented'
import { BpmnImportButton, type ImportReport } from './BpmnImportButton'
import { EdgePanel } from './EdgePanel'
import { FlowCanvas, type Selection } from './FlowCanvas'
import type { ServerCheck } from './FlowsTab'
import { IssueList } from './IssueList'
import { NodePalette } from './NodePalette'
import { NodePanel } from './NodePanel'
import { TestRunPanel, type Sample } from './TestRunPanel'
import { autoLayout, pinPositions } from './state/auto-layout'
import { exportFlow } from './state/bpmn'
import { describeEdge, describeNode } from './state/describe'
import { edgeOf, nodeOf, sameJson, type DesignedFlow, type Point } from './state/flow-doc'
import { addNode, moveNodes, removeElements, renameFlow } from './state/flow-edits'
import { checkFlow, mergeIssues, placeFlowIssues, serverIssuesOf } from './state/issues'
import type { PaletteItem } from './state/palette'
import { idleRun, runMarks, stepRun, type RunAction, type TestRun } from './state/test-run'
import styles from './flows.module.css'

/** Half a task card: a dropped node lands centred on the pointer. */
const DROP_OFFSET = { x: 80, y: 24 }

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  // The click has started the download by now; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export function FlowEditor({
  app,
  flow,
  server,
  onEdit: editFlow,
  onImport,
  onReport,
}: {
  app: AppDefinition
  flow: DesignedFlow
  server: ServerCheck | undefined
  onEdit: (flow: DesignedFlow, group?: string) => void
  onImport: (flow: DesignedFlow) => void
  onReport: (report: ImportReport) => void
}) {
  const { t } = useTranslation()
  const reactFlow = useReactFlow()
  const onEdit = useCallback(
    (next: DesignedFlow, group?: string) => editFlow(pinPositions(flow, next), group),
    [editFlow, flow],
  )
  const canvasRef = useRef<HTMLDivElement>(null)
  const [selection, setSelection] = useState<Selection>({ nodes: [], edges: [] })
  const [mode, setMode] = useState<'props' | 'run'>('props')
  const [run, setRun] = useState<{ flow: DesignedFlow; run: TestRun }>(() => ({ flow, run: idleRun() }))
  const [sample, setSample] = useState<Sample>({ record: {}, variables: {} })

  // The server's verdict counts only while the flow is exactly what it judged (i.e. since the last save).
  const serverFlow = server?.flows.find((candidate) => candidate.key === flow.key)
  const serverCurrent = server !== undefined && serverFlow !== undefined && sameJson(serverFlow, flow)
  const issues = useMemo(() => {
    const client = checkFlow(flow)
    return serverCurrent && server ? mergeIssues(client, serverIssuesOf(server.issues, flow.key)) : client
  }, [flow, server, serverCurrent])
  const placed = useMemo(() => placeFlowIssues(issues), [issues])

  const running = run.run.state !== null
  const marks = useMemo(() => runMarks(run.run), [run.run])
  const dispatchRun = useCallback(
    (action: RunAction) =>
      setRun((current) => {
        const def = action.type === 'start' ? flow : current.flow
        return { flow: def, run: stepRun(def, current.run, action) }
      }),
    [flow],
  )

  const describe = useCallback((node: FlowNode) => describeNode(t, node), [t])
  const describeLink = useCallback((edge: FlowEdge) => describeEdge(t, edge), [t])
  const labelOf = useCallback(
    (id: string) => {
      const node = nodeOf(run.flow, id)
      return node ? describeNode(t, node).label : id
    },
    [run.flow, t],
  )

  const place = (item: PaletteItem, client: Point) => {
    const at = reactFlow.screenToFlowPosition(client)
    const result = addNode(
      flow,
      item.kind,
      { x: at.x - DROP_OFFSET.x, y: at.y - DROP_OFFSET.y },
      {
        name: t(`flows.palette.item.${item.id}`),
        ...(item.action ? { action: item.action } : {}),
      },
    )
    onEdit(result.flow)
    setSelection({ nodes: [result.id], edges: [] })
    setMode('props')
  }
  const inCanvas = (client: Point) => {
    const box = canvasRef.current?.getBoundingClientRect()
    return (
      box !== undefined &&
      client.x >= box.left &&
      client.x <= box.right &&
      client.y >= box.top &&
      client.y <= box.bottom
    )
  }

  const node = selection.nodes.length ? nodeOf(flow, selection.nodes[0]!) : undefined
  const edge = !node && selection.edges.length ? edgeOf(flow, selection.edges[0]!) : undefined
  const deleteSelection = () => {
    onEdit(removeElements(flow, selection.nodes, selection.edges))
    setSelection({ nodes: [], edges: [] })
  }

  return (
    <>
      <section className={styles.center}>
        <div className={styles.toolbar}>
          <TextInput
            aria-label={t('flows.toolbar.name')}
            className={styles.flowName}
            value={flow.name ?? ''}
            placeholder={flow.key}
            onChange={(event) => onEdit(renameFlow([flow], flow.key, event.target.value)[0]!, 'name')}
          />
          <code className={styles.panelId}>{flow.key}</code>
          <span data-testid="flow-issue-counts">
            {placed.errors > 0 && (
              <Badge tone="danger">{t('flows.toolbar.errors', { count: placed.errors })}</Badge>
            )}{' '}
            {placed.warnings > 0 && (
              <Badge tone="warning">{t('flows.toolbar.warnings', { count: placed.warnings })}</Badge>
            )}{' '}
            {placed.errors + placed.warnings === 0 && (
              <Badge tone="success">{t('flows.toolbar.valid')}</Badge>
            )}{' '}
            {serverCurrent && (
              <span data-testid="server-checked">
                <Badge tone="accent">{t('flows.toolbar.serverChecked')}</Badge>
              </span>
            )}
          </span>
          <span className={styles.spacer} />
          <Button
            size="small"
            disabled={running || flow.nodes.length === 0}
            onClick={() => {
              onEdit(moveNodes(flow, autoLayout(flow)))
              // After the new positions render, bring the whole flow into view.
              requestAnimationFrame(
                () => void reactFlow.fitView({ maxZoom: 1.2, minZoom: 0.45, padding: 0.1 }),
              )
            }}
          >
            {t('flows.toolbar.autoLayout')}
          </Button>
          <BpmnImportButton onImport={onImport} onReport={onReport} />
          <Button
            size="small"
            disabled={flow.nodes.length === 0}
            onClick={() => download(`${flow.key}.bpmn`, exportFlow(flow), 'application/xml')}
          >
            {t('flows.bpmn.export')}
          </Button>
        </div>
        <div className={styles.stage}>
          <NodePalette
            onDrop={(item, client) => {
              if (!running && inCanvas(client)) place(item, client)
            }}
            onAdd={(item) => {
              const box = canvasRef.current?.getBoundingClientRect()
              if (!running && box) place(item, { x: box.left + box.width / 2, y: box.top + box.height / 2 })
            }}
          />
          <div
            className={styles.canvas}
            ref={canvasRef}
            data-testid="flow-canvas"
            data-running={running || undefined}
          >
            <FlowCanvas
              flow={running ? run.flow : flow}
              issues={placed}
              marks={marks}
              selection={selection}
              onSelection={setSelection}
              onEdit={onEdit}
              describe={describe}
              describeEdge={describeLink}
              readOnly={running}
            />
          </div>
        </div>
      </section>
      <aside className={styles.right}>
        <Segmented
          label={t('flows.side.label')}
          value={mode}
          options={[
            { value: 'props', label: t('flows.side.props') },
            { value: 'run', label: t('flows.side.run') },
          ]}
          onChange={setMode}
        />
        {mode === 'run' ? (
          <TestRunPanel
            flow={run.flow}
            run={run.run}
            dispatch={dispatchRun}
            sample={sample}
            onSample={setSample}
            blocked={placed.errors > 0}
            labelOf={labelOf}
          />
        ) : running ? (
          <p className={styles.help}>{t('flows.side.runningReadOnly')}</p>
        ) : node ? (
          <NodePanel
            app={app}
            flow={flow}
            node={node}
            issues={placed.nodes.get(node.id) ?? []}
            onEdit={onEdit}
            onDelete={deleteSelection}
          />
        ) : edge ? (
          <EdgePanel
            app={app}
            flow={flow}
            edge={edge}
            issues={placed.edges.get(edge.id) ?? []}
            onEdit={onEdit}
            onDelete={deleteSelection}
          />
        ) : (
          <div className={styles.panel}>
            <IssueList issues={placed.flow} />
            <p className={styles.help}>
              {t(flow.nodes.length ? 'flows.side.selectHint' : 'flows.side.emptyHint')}
            </p>
          </div>
        )}
      </aside>
    </>
  )
}

/** No flow yet: create one on the left, or import a BPMN file here. */
export function NoFlow({
  onImport,
  onReport,
}: {
  onImport: (flow: DesignedFlow) => void
  onReport: (report: ImportReport) => void
}) {
  const { t } = useTranslation()
  return (
    <section className={`${styles.center} ${styles.noFlow}`}>
      <EmptyState title={t('flows.list.empty')}>
        <p>{t('flows.list.emptyHint')}</p>
        <BpmnImportButton onImport={onImport} onReport={onReport} />
      </EmptyState>
    </section>
  )
}
