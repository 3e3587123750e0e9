import {
  advance,
  type AdvanceResult,
  type FlowDefinition,
  type FlowEffect,
  type FlowEvent,
  type FlowState,
} from '@trellis/flow-engine'
import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import type { ServiceActions } from './service-actions.js'

export interface InstanceRow {
  id: string
  app_key: string
  flow_key: string
  flow_version: number
  definition: FlowDefinition
  record_form: string | null
  record_id: string | null
  status: string
  state: FlowState
  version: number
  started_by: string | null
  created_at: Date
  updated_at: Date
}

/** Another transaction wrote the instance since we read it: the caller retries from a fresh read. */
export class StaleInstanceError extends Error {
  readonly code = 'FLOW_STALE'
}

const iso = (d: Date) => d.toISOString()

export function normalizeInstance(row: InstanceRow): InstanceRow {
  return { ...row, id: String(row.id), version: Number(row.version), flow_version: Number(row.flow_version) }
}

export async function readInstance(db: DynamicDb, id: string): Promise<InstanceRow> {
  if (!/^[0-9]{1,18}$/.test(id)) throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${id}`)
  const { rows } = await sql<InstanceRow>`select * from trellis.flow_instances where id = ${id}`.execute(db)
  if (!rows[0]) throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${id}`)
  return normalizeInstance(rows[0])
}

/** Inserts a new instance row (state filled in by the start event right after, in the same transaction). */
export async function insertInstance(
  db: DynamicDb,
  input: {
    app: string
    flow: FlowDefinition
    recordForm: string | null
    recordId: string | null
    startedBy: string | null
    /** Unique per app (flows started by events and rules); a used key inserts nothing → undefined. */
    startKey?: string | null
    now: Date
  },
): Promise<InstanceRow | undefined> {
  const { rows } = await sql<InstanceRow>`insert into trellis.flow_instances
    (app_key, flow_key, flow_version, definition, record_form, record_id, status, state, version, started_by,
     start_key, created_at, updated_at)
    values (${input.app}, ${input.flow.key}, ${input.flow.version}, ${JSON.stringify(input.flow)}::jsonb,
      ${input.recordForm}, ${input.recordId}, 'starting', 'null'::jsonb, 0, ${input.startedBy},
      ${input.startKey ?? null}, ${iso(input.now)}::timestamptz, ${iso(input.now)}::timestamptz)
    on conflict do nothing
    returning *`.execute(db)
  return rows[0] && normalizeInstance(rows[0])
}

/**
 * Feeds one event to the engine and, in the caller's transaction, writes the new state (only if the row
 * still has the version we read: optimistic concurrency), carries out every effect and logs the step.
 * A rejected event changes nothing and is returned for the caller to judge.
 */
export async function advanceInstance(
  trx: DynamicDb,
  row: InstanceRow,
  event: FlowEvent,
  actor: string | null,
  now: Date,
  actions?: ServiceActions,
): Promise<AdvanceResult> {
  const result = advance(row.definition, row.version === 0 ? null : row.state, event)
  if (result.rejected) return result
  const written = await sql`update trellis.flow_instances
    set state = ${JSON.stringify(result.state)}::jsonb, status = ${result.state.status},
      version = version + 1, updated_at = ${iso(now)}::timestamptz
    where id = ${row.id} and version = ${row.version}`.execute(trx)
  if (Number(written.numAffectedRows ?? 0) !== 1) throw new StaleInstanceError(`Instance ${row.id} moved`)
  await applyFlowEffects(trx, row, result.effects, now)
  await sql`insert into trellis.flow_steps (instance_id, event, actor, at, detail)
    values (${row.id}, ${event.kind}, ${actor}, ${iso(now)}::timestamptz,
      ${JSON.stringify({ event, effects: result.effects })}::jsonb)`.execute(trx)
  if (!actions) return result
  // Service actions that stay inside the database run now and their outcome goes straight back to the
  // engine, in this same transaction; each step is written (and versioned) like any other event.
  let current: InstanceRow = { ...row, state: result.state, version: row.version + 1 }
  for (const effect of result.effects) {
    if (effect.kind !== 'run_action' || current.state.status !== 'running') continue
    const outcome = await actions.run(trx, current, effect, now)
    if (!outcome) continue
    const next = await advanceInstance(
      trx,
      current,
      { ...outcome, at: now.toISOString(), actionId: effect.actionId },
      null,
      now,
      actions,
    )
    // The nested call may itself have run further actions: read back where the instance now stands.
    if (!next.rejected) current = await readInstance(trx, row.id)
  }
  return { ...result, state: current.state }
}

async function applyFlowEffects(
  trx: DynamicDb,
  row: InstanceRow,
  effects: readonly FlowEffect[],
  now: Date,
): Promise<void> {
  for (const effect of effects) {
    switch (effect.kind) {
      case 'create_task': {
        const a = effect.assignee
        const assignee = a.kind === 'user' ? a.userId : a.kind === 'role' ? a.role : (a.field ?? null)
        await sql`insert into trellis.flow_tasks
          (instance_id, task_key, node_id, name, app_key, assignee_kind, assignee, form, outcomes, returned,
           due_at, created_at)
          values (${row.id}, ${effect.taskId}, ${effect.nodeId}, ${effect.name ?? null}, ${row.app_key},
            ${a.kind}, ${assignee == null ? null : String(assignee)}, ${effect.form ?? null},
            ${JSON.stringify(effect.outcomes)}::jsonb,
            ${effect.returned ? JSON.stringify(effect.returned) : null}::jsonb,
            ${effect.dueAt ?? null}::timestamptz, ${iso(now)}::timestamptz)`.execute(trx)
        break
      }
      case 'cancel_task':
        await sql`update trellis.flow_tasks set status = 'cancelled', cancel_reason = ${effect.reason},
            closed_at = ${iso(now)}::timestamptz
          where instance_id = ${row.id} and task_key = ${effect.taskId} and status = 'open'`.execute(trx)
        break
      case 'schedule_timer':
        await sql`insert into trellis.flow_timers (instance_id, timer_key, node_id, purpose, due_at)
          values (${row.id}, ${effect.timerId}, ${effect.nodeId}, ${effect.purpose},
            ${effect.dueAt}::timestamptz)`.execute(trx)
        break
      case 'cancel_timer':
        await sql`update trellis.flow_timers set state = 'cancelled'
          where instance_id = ${row.id} and timer_key = ${effect.timerId} and state = 'pending'`.execute(trx)
        break
      case 'run_action':
        // Recorded once per (instance, action id) — the idempotency key of one node visit. Running it
        // through the rules' action catalog is not wired yet (see docs/flows.md, Server).
        await sql`insert into trellis.flow_actions (instance_id, action_key, node_id, action, created_at)
          values (${row.id}, ${effect.actionId}, ${effect.nodeId}, ${JSON.stringify(effect.action)}::jsonb,
            ${iso(now)}::timestamptz)
          on conflict (instance_id, action_key) do nothing`.execute(trx)
        break
      case 'complete':
      case 'fail':
        // The outcome lives in the state (status, result, error), written above.
        break
    }
  }
}
