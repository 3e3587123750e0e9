// BPMN in the browser, with the engine's own importer and exporter. The server's endpoints work on the
// *saved* draft (export reads it, import writes it behind the designer's back); the designer holds unsaved
// edits, so it converts here and an import becomes one undoable edit like any other.
import { exportBpmn, importBpmn, type BpmnIssue } from '@trellis/flow-engine'
import { autoLayout } from './auto-layout'
import type { DesignedFlow } from './flow-doc'

export type BpmnImport =
  | { ok: true; flow: DesignedFlow; warnings: BpmnIssue[] }
  | { ok: false; errors: BpmnIssue[]; warnings: BpmnIssue[] }

export function importFlow(xml: string): BpmnImport {
  let result: ReturnType<typeof importBpmn>
  try {
    result = importBpmn(xml)
  } catch (error) {
    return {
      ok: false,
      errors: [{ code: 'bad_xml', severity: 'error', message: (error as Error).message, path: '' }],
      warnings: [],
    }
  }
  if (!('definition' in result)) return { ok: false, errors: result.errors, warnings: result.warnings }
  const flow: DesignedFlow = result.definition
  return { ok: true, flow: { ...flow, layout: { positions: autoLayout(flow) } }, warnings: result.warnings }
}

/** BPMN 2.0 XML of the flow as it stands in the designer (positions are the exporter's own layout). */
export function exportFlow(flow: DesignedFlow): string {
  const { layout: _layout, ...definition } = flow
  return exportBpmn(definition)
}
