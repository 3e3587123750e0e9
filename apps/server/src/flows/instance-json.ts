import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { normalizeInstance, type InstanceRow } from './instance-store.js'
import { taskJson, type TaskRow } from './tasks.js'

export interface StepRow {
  event: string
  actor: string | null
  at: Date
  detail: { event: Record<string, unknown>; effects: Array<{ kind: string }> }
}

/** An instance row without its definition (the API never shows it). */
export type ShownInstance = Omit<InstanceRow, 'definition'>

/** The instance, its tasks and its steps in one read (the detail view). */
export async function readDetail(
  db: DynamicDb,
  id: string,
): Promise<{ row: ShownInstance; tasks: TaskRow[]; steps: StepRow[] } | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined
  const { rows } = await sql<ShownInstance & { tasks: TaskRow[]; steps: StepRow[] }>`select i.id, i.app_key,
      i.flow_key, i.flow_version, i.record_form, i.record_id, i.status, i.state, i.version, i.started_by,
      i.created_at, i.updated_at,
      coalesce((select jsonb_agg(to_jsonb(t) || jsonb_build_object('id', t.id::text, 'instance_id',
        t.instance_id::text) order by t.id) from trellis.flow_tasks t where t.instance_id = i.id), '[]') as tasks,
      coalesce((select jsonb_agg(jsonb_build_object('id', s.id::text, 'event', s.event, 'actor', s.actor,
        'at', s.at, 'detail', s.detail) order by s.id) from trellis.flow_steps s where s.instance_id = i.id),
        '[]') as steps
    from trellis.flow_instances i where i.id = ${id}`.execute(db)
  const found = rows[0]
  if (!found) return undefined
  const { tasks, steps, ...row } = found
  return { row: normalizeInstance(row), tasks, steps }
}

export async function stepsOf(db: DynamicDb, instanceId: string): Promise<StepRow[]> {
  const { rows } = await sql<StepRow>`select id, event, actor, at, detail from trellis.flow_steps
    where instance_id = ${instanceId} order by id`.execute(db)
  return rows
}

/** An instance as the API shows it; tasks and steps only in the detail view. */
export function instanceJson(row: ShownInstance, tasks?: TaskRow[], steps?: StepRow[]) {
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
