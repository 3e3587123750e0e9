import type { FlowIssue } from '@trellis/flow-engine'
import { useTranslation } from 'react-i18next'
import { issueText } from './FlowNodeCard'
import styles from './flows.module.css'

/** Problems of the selected element (or of the whole flow), errors first. */
export function IssueList({ issues }: { issues: FlowIssue[] }) {
  const { t } = useTranslation()
  if (issues.length === 0) return null
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
  return (
    <ul className={styles.issues}>
      {sorted.map((issue, index) => (
        <li
          key={`${issue.code}:${issue.path}:${index}`}
          data-severity={issue.severity}
          data-issue-code={issue.code}
        >
          <strong>{t(`flows.severity.${issue.severity}`)}</strong> {issueText(t, issue)}
        </li>
      ))}
    </ul>
  )
}
