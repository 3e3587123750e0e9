import type { AppDefinition } from '@trellis/form-engine'
import type { FlowIssue, FlowNode, Outcome } from '@trellis/flow-engine'
import { useTranslation } from 'react-i18next'
import { JsonEditor } from '../forms/JsonEditor'
import { localized } from '../i18n'
import { Button } from '../ui/Button'
import { Field } from '../ui/Field'
import { Checkbox, Select, TextInput } from '../ui/inputs'
import { AssigneeEditor } from './AssigneeEditor'
import { IssueList } from './IssueList'
import { StartTriggerEditor } from './StartTriggerEditor'
import { TimeSpecEditor } from './TimeSpecEditor'
import { defaultAction, flowsOf, type DesignedFlow } from './state/flow-doc'
import { setConfig, updateNode } from './state/flow-edits'
import { ACTION_TYPES } from './state/palette'
import styles from './flows.module.css'

const OUTCOMES: Outcome[] = ['approve', 'reject', 'return']

export interface NodePanelProps {
  app: AppDefinition
  flow: DesignedFlow
  node: FlowNode
  issues: FlowIssue[]
  onEdit: (flow: DesignedFlow, group?: string) => void
  onDelete: () => void
}

/** The form a node reads its record from: the start's trigger form, else the task's own form. */
function recordForm(flow: DesignedFlow, node: FlowNode): string | undefined {
  const start = flow.nodes.find((n) => n.kind === 'start')
  const trigger = start?.kind === 'start' ? start.config.trigger : undefined
  if (trigger?.kind === 'record_event') return trigger.form
  return node.kind === 'user_task' ? node.config.form : undefined
}

export function NodePanel({ app, flow, node, issues, onEdit, onDelete }: NodePanelProps) {
  const { t, i18n } = useTranslation()
  const forms = app.forms.filter((form) => !form.archived)
  const set = (key: string, value: unknown, group?: string) =>
    onEdit(setConfig(flow, node.id, key, value), group)
  const fieldsOf = (formKey: string | undefined) =>
    forms.find((form) => form.key === formKey)?.fields.filter((field) => !field.archived) ?? []

  return (
    <div className={styles.panel} data-testid="node-panel">
      <div className={styles.panelHead}>
        <h2 className={styles.panelTitle}>{t(`flows.kind.${node.kind}`)}</h2>
        <code className={styles.panelId}>{node.id}</code>
      </div>
      <IssueList issues={issues} />
      <Field label={t('flows.node.name')}>
        {({ id }) => (
          <TextInput
            id={id}
            value={node.name ?? ''}
            onChange={(event) =>
              onEdit(updateNode(flow, node.id, { name: event.target.value }), `name:${node.id}`)
            }
          />
        )}
      </Field>

      {node.kind === 'start' && (
        <StartTriggerEditor
          trigger={node.config.trigger}
          forms={forms.map((form) => ({ key: form.key, label: localized(form.label, i18n.language) }))}
          onChange={(trigger, group) => set('trigger', trigger, group)}
        />
      )}

      {node.kind === 'user_task' && (
        <>
          <AssigneeEditor
            app={app}
            value={node.config.assignee}
            fields={fieldsOf(recordForm(flow, node)).map((f) => ({
              key: f.key,
              label: localized(f.label, i18n.language),
            }))}
            onChange={(assignee, group) => set('assignee', assignee, group)}
          />
          <Field label={t('flows.task.form')} hint={t('flows.task.formHint')}>
            {({ id, describedBy }) => (
              <Select
                id={id}
                aria-describedby={describedBy}
                value={node.config.form ?? ''}
                onChange={(event) => set('form', event.target.value || undefined)}
              >
                <option value="">{t('flows.none')}</option>
                {forms.map((form) => (
                  <option key={form.key} value={form.key}>
                    {localized(form.label, i18n.language)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <fieldset className={styles.fieldset}>
            <legend>{t('flows.task.outcomes')}</legend>
            {OUTCOMES.map((outcome) => {
              const current = node.config.outcomes ?? OUTCOMES
              return (
                <Checkbox
                  key={outcome}
                  label={t(`flows.outcome.${outcome}`)}
                  checked={current.includes(outcome)}
                  onChange={(event) => {
                    const next = OUTCOMES.filter((o) =>
                      o === outcome ? event.target.checked : current.includes(o),
                    )
                    set('outcomes', next.length === OUTCOMES.length ? undefined : next)
                  }}
                />
              )
            })}
          </fieldset>
          <Checkbox
            label={t('flows.task.hasDue')}
            checked={node.config.due !== undefined}
            onChange={(event) =>
              set('due', event.target.checked ? { kind: 'duration', duration: 'P3D' } : undefined)
            }
          />
          {node.config.due && (
            <TimeSpecEditor
              label={t('flows.task.due')}
              value={node.config.due}
              group={`due:${node.id}`}
              onChange={(due, group) => set('due', due, group)}
            />
          )}
        </>
      )}

      {node.kind === 'timer' && (
        <TimeSpecEditor
          label={t('flows.timer.when')}
          value={node.config.timer}
          group={`timer:${node.id}`}
          onChange={(timer, group) => set('timer', timer, group)}
        />
      )}

      {node.kind === 'service_task' && (
        <>
          <Field label={t('flows.action.type')}>
            {({ id }) => (
              <Select
                id={id}
                value={node.config.action.type}
                onChange={(event) => set('action', defaultAction(event.target.value))}
              >
                {ACTION_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`flows.action.types.${type}`)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {node.config.action.type === 'start_flow' && (
            <Field label={t('flows.action.flow')}>
              {({ id }) => (
                <Select
                  id={id}
                  value={String(node.config.action.flow ?? '')}
                  onChange={(event) => set('action', { ...node.config.action, flow: event.target.value })}
                >
                  <option value="">{t('flows.none')}</option>
                  {flowsOf(app.flows)
                    .filter((other) => other.key !== flow.key)
                    .map((other) => (
                      <option key={other.key} value={other.key}>
                        {other.name || other.key}
                      </option>
                    ))}
                </Select>
              )}
            </Field>
          )}
          <JsonEditor
            label={t('flows.action.config')}
            hint={t('flows.action.configHint')}
            value={node.config.action}
            onChange={(action) =>
              action && typeof action === 'object' && !Array.isArray(action)
                ? set('action', action, `action:${node.id}`)
                : undefined
            }
          />
        </>
      )}

      {node.kind === 'end' && (
        <>
          <Field label={t('flows.end.result')} hint={t('flows.end.resultHint')}>
            {({ id, describedBy }) => (
              <TextInput
                id={id}
                aria-describedby={describedBy}
                value={node.config.result ?? ''}
                onChange={(event) => set('result', event.target.value || undefined, `result:${node.id}`)}
              />
            )}
          </Field>
          <Checkbox
            label={t('flows.end.terminate')}
            checked={node.config.terminate ?? false}
            onChange={(event) => set('terminate', event.target.checked || undefined)}
          />
        </>
      )}

      {(node.kind === 'exclusive_gateway' || node.kind === 'parallel_gateway') && (
        <p className={styles.help}>{t(`flows.gateway.${node.kind}`)}</p>
      )}

      <Button variant="danger" size="small" onClick={onDelete}>
        {t('flows.node.delete')}
      </Button>
    </div>
  )
}
