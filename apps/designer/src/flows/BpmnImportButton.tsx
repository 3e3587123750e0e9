import { useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../ui/Button'
import { Notice } from '../ui/Notice'
import { importFlow } from './state/bpmn'
import type { DesignedFlow } from './state/flow-doc'
import styles from './flows.module.css'

export interface ImportReport {
  tone: 'danger' | 'warning' | 'success'
  lines: string[]
}

/** Picks a .bpmn file and imports it with the engine's importer; refused elements are listed. */
export function BpmnImportButton({
  onImport,
  onReport,
}: {
  onImport: (flow: DesignedFlow) => void
  onReport: (report: ImportReport) => void
}) {
  const { t } = useTranslation()
  const input = useRef<HTMLInputElement>(null)

  const read = async (file: File) => {
    const result = importFlow(await file.text())
    const describe = (issue: { message: string; elementId?: string }) =>
      issue.elementId ? `${issue.elementId}: ${issue.message}` : issue.message
    if (!result.ok) {
      onReport({ tone: 'danger', lines: [t('flows.bpmn.refused'), ...result.errors.map(describe)] })
      return
    }
    onImport(result.flow)
    onReport(
      result.warnings.length
        ? { tone: 'warning', lines: [t('flows.bpmn.importedWithWarnings'), ...result.warnings.map(describe)] }
        : { tone: 'success', lines: [t('flows.bpmn.imported', { key: result.flow.key })] },
    )
  }

  return (
    <>
      <Button size="small" onClick={() => input.current?.click()}>
        {t('flows.bpmn.import')}
      </Button>
      <input
        ref={input}
        type="file"
        accept=".bpmn,.xml,application/xml,text/xml"
        className={styles.hiddenInput}
        data-testid="bpmn-file"
        onChange={(event) => {
          const file = event.target.files?.[0]
          event.target.value = ''
          if (file) void read(file)
        }}
      />
    </>
  )
}

/** The outcome of the last import, kept by the tab: an import switches to the imported flow. */
export function ImportReportCard({ report, onClose }: { report: ImportReport; onClose: () => void }) {
  const { t } = useTranslation()
  return (
    <div className={styles.report} data-testid="bpmn-report">
      <Notice tone={report.tone}>
        {report.lines.map((line, index) => (
          <div key={index}>{line}</div>
        ))}
      </Notice>
      <Button size="small" variant="ghost" onClick={onClose}>
        {t('flows.close')}
      </Button>
    </div>
  )
}
