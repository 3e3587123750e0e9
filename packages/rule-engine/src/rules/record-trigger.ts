import type { ConditionContext } from '../types.js'
import type { RecordEventKind, RecordTrigger } from './types.js'

export interface RecordEvent {
  form: string
  kind: RecordEventKind
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
  changed?: readonly string[]
}

/** Whether a record event fires the trigger; a `fields` filter lets only updates that changed one through. */
export function matchesRecordEvent(trigger: RecordTrigger, event: RecordEvent): boolean {
  if (trigger.form !== event.form || !trigger.on.includes(event.kind)) return false
  if (event.kind !== 'updated' || !trigger.fields?.length) return true
  return (event.changed ?? []).some((field) => trigger.fields!.includes(field))
}

/**
 * What a condition sees for a record event: the record itself (after the change; before it for a
 * delete) as data, and `$before`, `$after`, `$changed` in the context.
 */
export function recordEventInput(event: RecordEvent): {
  data: Record<string, unknown>
  context: ConditionContext
} {
  const data = (event.kind === 'deleted' ? event.before : event.after) ?? {}
  return {
    data,
    context: { before: event.before ?? {}, after: event.after ?? {}, changed: [...(event.changed ?? [])] },
  }
}
