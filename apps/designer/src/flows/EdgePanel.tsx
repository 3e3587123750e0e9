import type { AppDefinition } from '@trellis/form-engine'
import type { EdgeTrigger, FlowEdge, FlowIssue, FlowNode } from '@trellis/flow-engine'
import { useTranslation } from 'react-i18next'
import { Button } from '../ui/Button'
import { Field } from '../ui/Field'
import { Checkbox, Select, TextInput } from '../ui/inputs'
import { ConditionEditor } from './ConditionEditor'
import { IssueList } from './IssueList'
import type { DesignedFlow } from './state/flow-doc'
import { updateEdge } from './state/flow-edits'
import styles from './flows.module.css'

/** Which `on` labels make sense for an edge leaving this kind of node (the engine warns about the rest). */
function triggersFor(source: FlowNode | undefined): EdgeTrigger[] {
  if (source?.kind === 'user_task') return ['approve', 'reject', 'return', 'due']
  if (source?.kind === 'service_task') return ['error']
  return []
}

export function EdgePanel({
  app,
  flow,
  edge,
  issues,
  onEdit,
  onDelete,
}: {
  app: AppDefinition
  flow: DesignedFlow
  edge: FlowEdge
  issues: FlowIssue[]
  onEdit: (flow: DesignedFlow, group?: string) => void
  onDelete: () => void
}) {
  const { t } = useTranslation()
  const source = flow.nodes.find((node) => node.id === edge.source)
  const triggers = triggersFor(source)
  const gateway = source?.kind === 'exclusive_gateway'
  return (
    <div className={styles.panel} data-testid="edge-panel">
      <div className={styles.panelHead}>
        <h2 className={styles.panelTitle}>{t('flows.edge.title')}</h2>
        <code className={styles.panelId}>
          {edge.source} → {edge.target}
        </code>
      </div>
      <IssueList issues={issues} />
      <Field label={t('flows.edge.name')}>
        {({ id }) => (
          <TextInput
            id={id}
            value={edge.name ?? ''}
            onChange={(event) =>
              onEdit(
                updateEdge(flow, edge.id, { name: event.target.value || undefined }),
                `edge-name:${edge.id}`,
              )
            }
          />
        )}
      </Field>
      {(triggers.length > 0 || edge.on) && (
        <Field label={t('flows.edge.on')} hint={t('flows.edge.onHint')}>
          {({ id, describedBy }) => (
            <Select
              id={id}
              aria-describedby={describedBy}
              value={edge.on ?? ''}
              onChange={(event) =>
                onEdit(
                  updateEdge(flow, edge.id, {
                    on: (event.target.value || undefined) as EdgeTrigger | undefined,
                  }),
                )
              }
            >
              <option value="">{t('flows.edge.onNormal')}</option>
              {[...new Set([...triggers, ...(edge.on ? [edge.on] : [])])].map((on) => (
                <option key={on} value={on}>
                  {t(`flows.edge.trigger.${on}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
      )}
      {(gateway || edge.default) && (
        <Checkbox
          label={t('flows.edge.default')}
          checked={edge.default ?? false}
          onChange={(event) =>
            onEdit(updateEdge(flow, edge.id, { default: event.target.checked || undefined }))
          }
        />
      )}
      {(gateway || edge.condition !== undefined) && !edge.default && (
        <ConditionEditor
          app={app}
          flow={flow}
          value={edge.condition}
          onChange={(condition) =>
            onEdit(updateEdge(flow, edge.id, { condition }), `edge-condition:${edge.id}`)
          }
        />
      )}
      {edge.conditionText && edge.condition === undefined && (
        <div className={styles.foreign}>
          <span>{t('flows.edge.foreignCondition', { language: edge.conditionText.language ?? '?' })}</span>
          <pre>{edge.conditionText.body}</pre>
        </div>
      )}
      {!gateway && !edge.default && edge.condition === undefined && (
        <p className={styles.help}>{t('flows.edge.conditionOnlyGateway')}</p>
      )}
      <Button variant="danger" size="small" onClick={onDelete}>
        {t('flows.edge.delete')}
      </Button>
    </div>
  )
}
