import '@xyflow/react/dist/style.css'
import { ReactFlowProvider } from '@xyflow/react'
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { BuilderTabProps } from '../builder/builder-tab'
import { ImportReportCard, type ImportReport } from './BpmnImportButton'
import { FlowEditor, NoFlow } from './FlowEditor'
import { FlowList } from './FlowList'
import { flowsApi } from './flows-api'
import { checkFlow, type ServerFlowIssue } from './state/issues'
import { flowsOf, type DesignedFlow } from './state/flow-doc'
import { createFlow, deleteFlow, putFlow } from './state/flow-edits'
import styles from './flows.module.css'

/** What the server said about the saved draft's flows, kept with the flows it judged. */
export interface ServerCheck {
  flows: DesignedFlow[]
  issues: ServerFlowIssue[]
}

/**
 * The flow designer: the app's flows (`app.flows` of the draft) on the left, the selected one on an xyflow
 * canvas. Every edit replaces the flows section through `setSection`, so the top bar's undo, save and
 * publish cover it. The whole tab is a lazy chunk: xyflow never loads with the shell.
 */
export default function FlowsTab({ appKey, app, setSection, savedApp }: BuilderTabProps) {
  // Entries that are not flows stay in the section untouched; the list shows the flows.
  const raw = useMemo(() => (app.flows ?? []) as DesignedFlow[], [app.flows])
  const flows = useMemo(() => flowsOf(app.flows), [app.flows])
  const [selectedKey, setSelectedKey] = useState<string | undefined>(() => flows[0]?.key)
  const selected = flows.find((flow) => flow.key === selectedKey) ?? flows[0]
  const [server, setServer] = useState<ServerCheck | undefined>()
  const [report, setReport] = useState<ImportReport | null>(null)

  // The server's issues for the saved draft: on opening and after every save (a new saved definition).
  useEffect(() => {
    let cancelled = false
    flowsApi.draftIssues(appKey).then(
      (result) => !cancelled && setServer({ flows: flowsOf(result.flows), issues: result.issues }),
      () => !cancelled && setServer(undefined),
    )
    return () => {
      cancelled = true
    }
  }, [appKey, savedApp])

  const errorCounts = useMemo(
    () => new Map(flows.map((flow) => [flow, checkFlow(flow).filter((i) => i.severity === 'error').length])),
    [flows],
  )

  const edit = useCallback(
    (next: DesignedFlow[], group?: string) => setSection('flows', next, group),
    [setSection],
  )
  const editFlow = useCallback(
    (flow: DesignedFlow, group?: string) =>
      edit(
        raw.map((candidate) => (candidate?.key === flow.key ? flow : candidate)),
        group ? `flow:${flow.key}:${group}` : undefined,
      ),
    [edit, raw],
  )

  return (
    <ReactFlowProvider>
      <div className={styles.layout}>
        <aside className={styles.left}>
          <FlowList
            flows={flows}
            selected={selected?.key}
            errorsOf={(flow) => errorCounts.get(flow) ?? 0}
            onSelect={(key) => {
              setSelectedKey(key)
              setReport(null)
            }}
            onCreate={(key, name) => {
              edit(createFlow(raw, key, name))
              setSelectedKey(key)
            }}
            onDelete={(key) => {
              edit(deleteFlow(raw, key))
              setSelectedKey(flows.find((flow) => flow.key !== key)?.key)
            }}
          />
        </aside>
        {selected ? (
          <FlowEditor
            key={selected.key}
            app={app}
            flow={selected}
            server={server}
            onEdit={editFlow}
            onImport={(flow) => {
              edit(putFlow(raw, flow))
              setSelectedKey(flow.key)
            }}
            onReport={setReport}
          />
        ) : (
          <NoFlow
            onImport={(flow) => {
              edit(putFlow(raw, flow))
              setSelectedKey(flow.key)
            }}
            onReport={setReport}
          />
        )}
        {report && <ImportReportCard report={report} onClose={() => setReport(null)} />}
      </div>
    </ReactFlowProvider>
  )
}
