import type { TFunction } from 'i18next'
import type { AppDefinition, FieldDef } from '@trellis/form-engine'
import type { DesignedFlow } from './flow-doc'

/** The form whose record the instance carries: the start trigger's form, else the first task form. */
export function recordFormOf(flow: DesignedFlow): string | undefined {
  for (const node of flow.nodes)
    if (node.kind === 'start' && node.config.trigger?.kind === 'record_event') return node.config.trigger.form
  for (const node of flow.nodes) if (node.kind === 'user_task' && node.config.form) return node.config.form
  return undefined
}

/**
 * What a gateway condition can read, as fields for the condition builder: the record's fields under
 * `record.`, and every user task's outcome (`tasks.<node>.outcome`) as a choice of approve/reject/return.
 */
export function conditionFieldsOf(
  app: AppDefinition,
  flow: DesignedFlow,
  zh: TFunction,
  en: TFunction,
): FieldDef[] {
  const form = app.forms.find((candidate) => candidate.key === recordFormOf(flow) && !candidate.archived)
  const recordFields = (form?.fields ?? [])
    .filter((field) => !field.archived)
    .map((field) => ({ ...field, key: `record.${field.key}` }))
  const outcomes = ['approve', 'reject', 'return'].map((value) => ({
    value,
    label: { 'zh-CN': zh(`flows.outcome.${value}`), en: en(`flows.outcome.${value}`) },
  }))
  const taskFields: FieldDef[] = flow.nodes
    .filter((node) => node.kind === 'user_task')
    .map((node) => ({
      key: `tasks.${node.id}.outcome`,
      type: 'select',
      label: {
        'zh-CN': `${node.name ?? node.id} · ${zh('flows.edge.outcomeField')}`,
        en: `${node.name ?? node.id} · ${en('flows.edge.outcomeField')}`,
      },
      options: outcomes,
    }))
  return [...taskFields, ...recordFields]
}
