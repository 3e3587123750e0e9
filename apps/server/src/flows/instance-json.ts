import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import type { InstanceRow } from './instance-store.js'
import { taskJson, type TaskRow } from './tasks.js'

export interface StepRow {
  id: string
  event: string
  actor: string | null
  at: Date
  detail: { event: Record<string, unknown>; effects: Array<{ kind: string }> }
}

export async function stepsOf(db: DynamicDb, instanceId: string): Promise<StepRow[]> {
  const { rows } = await sql<StepRow>`select id, event, actor, at, detail from trellis.flow_steps
    where instance_id = ${instanceId} order by id`.execute(db)
  return rows
}

/** An instance as the API shows it; tasks and steps only in the detail view. */
export function instanceJson(row: InstanceRow, tasks?: TaskRow[], steps?: StepRow[]) {
  const state = row.state
  return {
    id: row.id,
    app: row.app_key,
    flow: row.flow_key,
    flowVersion: row.flow_version,
    status: row.status,
    record: row.record_id ? { form: row.record_form, id: row.record_id } : null,
    startedBy: row.started_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    currentNodes: state ? state.tokens.map((t) => t.nodeId) : [],
    ...(state?.result === undefined ? {} : { result: state.result }),
    ...(state?.error === undefined ? {} : { error: state.error }),
    ...(tasks && steps
      ? {
          data: state?.data ?? null,
          history: state?.history ?? [],
          steps: steps.map((s) => ({
            event: s.event,
            actor: s.actor,
            at: new Date(s.at).toISOString(),
            ...(s.detail.event.outcome === undefined ? {} : { outcome: s.detail.event.outcome }),
            ...(s.detail.event.comment === undefined ? {} : { comment: s.detail.event.comment }),
            ...(s.detail.event.from === undefined ? {} : { from: s.detail.event.from }),
            ...(s.detail.event.to === undefined ? {} : { to: s.detail.event.to }),
            effects: s.detail.effects.map((e) => e.kind),
          })),
          tasks: tasks.map(taskJson),
        }
      : {}),
  }
}
