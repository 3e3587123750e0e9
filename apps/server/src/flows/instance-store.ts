import {
  advance,
  type AdvanceResult,
  type FlowDefinition,
  type FlowEffect,
  type FlowEvent,
  type FlowState,
} from '@trellis/flow-engine'
import { sql, type RawBuilder } from 'kysely'
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

/**
 * The instance columns without the definition, which is identified by its hash instead: the parsed
 * definition is kept per (flow, version, hash), so the engine's graph and compiled conditions (cached by
 * object identity) are built once per definition version, not once per event.
 */
export const instanceColumns = (alias: string) =>
  sql.raw(
    ['id', 'app_key', 'flow_key', 'flow_version', 'record_form', 'record_id', 'status', 'state', 'version']
      .concat(['started_by', 'created_at', 'updated_at'])
      .map((c) => `${alias}.${c}`)
      .join(', ') + `, md5(${alias}.definition::text) as definition_hash`,
  )

export type StoredInstance = Omit<InstanceRow, 'definition'> & { definition_hash: string }

const DEFINITIONS_KEPT = 256
const definitions = new Map<string, FlowDefinition>()

async function definitionOf(db: DynamicDb, row: StoredInstance): Promise<FlowDefinition> {
  const key = `${row.flow_key}@${row.flow_version}#${row.definition_hash}`
  const cached = definitions.get(key)
  if (cached) return cached
  const { rows } = await sql<{ definition: FlowDefinition }>`select definition from trellis.flow_instances
    where id = ${row.id}`.execute(db)
  const definition = rows[0]!.definition
  if (definitions.size >= DEFINITIONS_KEPT) definitions.delete(definitions.keys().next().value!)
  definitions.set(key, definition)
  return definition
}

/** A stored instance row (selected with `instanceColumns`) with its definition from the cache. */
export async function instanceFrom(db: DynamicDb, stored: StoredInstance): Promise<InstanceRow> {
  const { definition_hash: _hash, ...rest } = stored
  const row = normalizeInstance({ ...rest, definition: undefined as unknown as FlowDefinition })
  return { ...row, definition: await definitionOf(db, { ...stored, id: row.id }) }
}

export function normalizeInstance<T extends Pick<InstanceRow, 'id' | 'version' | 'flow_version'>>(row: T): T {
  return { ...row, id: String(row.id), version: Number(row.version), flow_version: Number(row.flow_version) }
}

export async function readInstance(db: DynamicDb, id: string): Promise<InstanceRow> {
  if (!/^[0-9]{1,18}$/.test(id)) throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${id}`)
  const { rows } = await sql<StoredInstance>`select ${instanceColumns('i')} from trellis.flow_instances i
    where i.id = ${id}`.execute(db)
  if (!rows[0]) throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${id}`)
  return instanceFrom(db, rows[0])
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
  const { rows } = await sql<Omit<InstanceRow, 'definition'>>`insert into trellis.flow_instances
    (app_key, flow_key, flow_version, definition, record_form, record_id, status, state, version, started_by,
     start_key, created_at, updated_at)
    values (${input.app}, ${input.flow.key}, ${input.flow.version}, ${JSON.stringify(input.flow)}::jsonb,
      ${input.recordForm}, ${input.recordId}, 'starting', 'null'::jsonb, 0, ${input.startedBy},
      ${input.startKey ?? null}, ${iso(input.now)}::timestamptz, ${iso(input.now)}::timestamptz)
    on conflict do nothing
    returning id, app_key, flow_key, flow_version, record_form, record_id, status, state, version, started_by,
      created_at, updated_at`.execute(db)
  return rows[0] && { ...normalizeInstance(rows[0]), definition: input.flow }
}

/**
 * An instance not written yet (a manual start): its id is taken from the identity first, so the start
 * event knows it, and the row is inserted by the same statement that writes the start's effects.
 */
export async function newInstance(
  db: DynamicDb,
  input: {
    app: string
    flow: FlowDefinition
    recordForm: string | null
    recordId: string | null
    startedBy: string | null
    now: Date
  },
): Promise<InstanceRow> {
  const { rows } = await sql<{
    id: string
  }>`select nextval(pg_get_serial_sequence('trellis.flow_instances', 'id'))::text
    as id`.execute(db)
  return {
    id: rows[0]!.id,
    app_key: input.app,
    flow_key: input.flow.key,
    flow_version: input.flow.version,
    definition: input.flow,
    record_form: input.recordForm,
    record_id: input.recordId,
    status: 'starting',
    state: null as unknown as FlowState,
    version: 0,
    started_by: input.startedBy,
    created_at: input.now,
    updated_at: input.now,
  }
}

/** What the event's own write also does: close the completed task, mark the fired timer. */
export interface AdvanceExtras {
  /** The row does not exist yet (`newInstance`): insert it rather than update it. */
  insert?: boolean
  completeTask?: { id: string; key: string; outcome: string; comment: string | null; by: string }
  firedTimer?: { id: string; key: string }
}

interface Step {
  event: FlowEvent
  actor: string | null
  effects: FlowEffect[]
}

/**
 * Feeds one event to the engine and writes the outcome: the new state (only if the row still has the
 * version we read: optimistic concurrency), every effect and the step log, in ONE statement whose parts
 * all hang on the instance update — a stale version writes nothing and throws `StaleInstanceError`.
 * Service actions that stay inside the database run first, in a transaction (the caller's, or one opened
 * here), and their outcome goes straight back to the engine, so a start that runs a service task still
 * ends in one state write. A rejected event changes nothing and is returned for the caller to judge.
 */
export async function advanceInstance(
  db: DynamicDb,
  row: InstanceRow,
  event: FlowEvent,
  actor: string | null,
  now: Date,
  actions?: ServiceActions,
  extras: AdvanceExtras = {},
): Promise<AdvanceResult> {
  const first = advance(row.definition, row.version === 0 ? null : row.state, event)
  if (first.rejected) return first
  const runsActions = actions !== undefined && first.effects.some((e) => e.kind === 'run_action')
  if (!runsActions) {
    await writeAdvance(
      db,
      row,
      [{ event, actor, effects: first.effects }],
      first.state,
      new Map(),
      now,
      extras,
    )
    return first
  }
  const work = async (trx: DynamicDb) => {
    const steps: Step[] = [{ event, actor, effects: first.effects }]
    const actionStates = new Map<string, string>()
    const state = await runActions(trx, row, first, steps, actionStates, now, actions)
    await writeAdvance(trx, row, steps, state, actionStates, now, extras)
    return { ...first, state }
  }
  if (!db.isTransaction) return db.transaction().execute(work)
  // Inside the caller's transaction: a stale write must also undo the actions this call ran.
  await sql`savepoint flow_advance`.execute(db)
  try {
    const result = await work(db)
    await sql`release savepoint flow_advance`.execute(db)
    return result
  } catch (error) {
    await sql`rollback to savepoint flow_advance`.execute(db)
    throw error
  }
}

/** Runs the step's in-database actions depth first, feeding each outcome to the engine; returns the last state. */
async function runActions(
  trx: DynamicDb,
  row: InstanceRow,
  result: AdvanceResult,
  steps: Step[],
  actionStates: Map<string, string>,
  now: Date,
  actions: ServiceActions,
): Promise<FlowState> {
  let state = result.state
  for (const effect of result.effects) {
    if (effect.kind !== 'run_action' || state.status !== 'running') continue
    const outcome = await actions.run(trx, { ...row, state }, effect, now)
    if (!outcome) continue
    actionStates.set(effect.actionId, outcome.kind === 'action_completed' ? 'done' : 'failed')
    const event: FlowEvent = { ...outcome, at: now.toISOString(), actionId: effect.actionId }
    const next = advance(row.definition, state, event)
    if (next.rejected) continue
    steps.push({ event, actor: null, effects: next.effects })
    state = await runActions(trx, row, next, steps, actionStates, now, actions)
  }
  return state
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`

/**
 * One statement: the instance update (or insert) as `inst`, and every row the effects leave behind
 * selected from `inst`, so nothing is written unless the instance write happened. Effects are netted
 * first (a task or timer created and cancelled within the same write is inserted closed), because the
 * parts of one statement do not see each other's rows.
 */
async function writeAdvance(
  db: DynamicDb,
  row: InstanceRow,
  steps: Step[],
  state: FlowState,
  actionStates: Map<string, string>,
  now: Date,
  extras: AdvanceExtras,
): Promise<void> {
  const at = iso(now)
  const tasks = new Map<string, Record<string, unknown>>()
  const cancelTasks: Array<{ task_key: string; reason: string }> = []
  const timers = new Map<string, Record<string, unknown>>()
  const cancelTimers: string[] = []
  const runs = new Map<string, Record<string, unknown>>()
  for (const effect of steps.flatMap((s) => s.effects)) {
    switch (effect.kind) {
      case 'create_task': {
        const a = effect.assignee
        const assignee = a.kind === 'user' ? a.userId : a.kind === 'role' ? a.role : (a.field ?? null)
        tasks.set(effect.taskId, {
          task_key: effect.taskId,
          node_id: effect.nodeId,
          name: effect.name ?? null,
          assignee_kind: a.kind,
          assignee: assignee == null ? null : String(assignee),
          form: effect.form ?? null,
          outcomes: effect.outcomes,
          returned: effect.returned ?? null,
          due_at: effect.dueAt ?? null,
          status: 'open',
          cancel_reason: null,
          closed_at: null,
        })
        break
      }
      case 'cancel_task': {
        const created = tasks.get(effect.taskId)
        if (created)
          Object.assign(created, { status: 'cancelled', cancel_reason: effect.reason, closed_at: at })
        else if (effect.taskId !== extras.completeTask?.key)
          cancelTasks.push({ task_key: effect.taskId, reason: effect.reason })
        break
      }
      case 'schedule_timer':
        timers.set(effect.timerId, {
          timer_key: effect.timerId,
          node_id: effect.nodeId,
          purpose: effect.purpose,
          due_at: effect.dueAt,
          state: 'pending',
        })
        break
      case 'cancel_timer': {
        const created = timers.get(effect.timerId)
        if (created) created.state = 'cancelled'
        else if (effect.timerId !== extras.firedTimer?.key) cancelTimers.push(effect.timerId)
        break
      }
      case 'run_action':
        // Recorded once per (instance, action id) — the idempotency key of one node visit.
        runs.set(effect.actionId, {
          action_key: effect.actionId,
          node_id: effect.nodeId,
          action: effect.action,
          state: actionStates.get(effect.actionId) ?? 'pending',
        })
        break
      case 'complete':
      case 'fail':
        // The outcome lives in the state (status, result, error).
        break
    }
  }

  const stateJson = JSON.stringify(state)
  const ctes: RawBuilder<unknown>[] = []
  if (extras.insert) {
    ctes.push(sql`inst as (insert into trellis.flow_instances
      (id, app_key, flow_key, flow_version, definition, record_form, record_id, status, state, version,
       started_by, created_at, updated_at)
      overriding system value
      values (${row.id}, ${row.app_key}, ${row.flow_key}, ${row.flow_version}, ${json(row.definition)},
        ${row.record_form}, ${row.record_id}, ${state.status}, ${stateJson}::jsonb, 1, ${row.started_by},
        ${at}::timestamptz, ${at}::timestamptz)
      returning id)`)
  } else {
    const task = extras.completeTask
    ctes.push(sql`inst as (update trellis.flow_instances
      set state = ${stateJson}::jsonb, status = ${state.status}, version = version + 1, updated_at = ${at}::timestamptz
      where id = ${row.id} and version = ${row.version}
      ${task ? sql`and exists (select 1 from trellis.flow_tasks where id = ${task.id} and status = 'open')` : sql``}
      returning id)`)
  }
  if (extras.completeTask) {
    const t = extras.completeTask
    ctes.push(sql`done_task as (update trellis.flow_tasks set status = 'completed', outcome = ${t.outcome},
      comment = ${t.comment}, completed_by = ${t.by}, closed_at = ${at}::timestamptz
      where id = ${t.id} and status = 'open' and exists (select 1 from inst))`)
  }
  if (extras.firedTimer) {
    ctes.push(sql`fired_timer as (update trellis.flow_timers set state = 'fired', fired_at = ${at}::timestamptz
      where id = ${extras.firedTimer.id} and exists (select 1 from inst))`)
  }
  if (tasks.size) {
    ctes.push(sql`new_tasks as (insert into trellis.flow_tasks
      (instance_id, task_key, node_id, name, app_key, assignee_kind, assignee, form, outcomes, returned, due_at,
       status, cancel_reason, created_at, closed_at)
      select inst.id, x.task_key, x.node_id, x.name, ${row.app_key}, x.assignee_kind, x.assignee, x.form,
        x.outcomes, x.returned, x.due_at, x.status, x.cancel_reason, ${at}::timestamptz, x.closed_at
      from inst, jsonb_to_recordset(${json([...tasks.values()])}) as x(task_key text, node_id text, name text,
        assignee_kind text, assignee text, form text, outcomes jsonb, returned jsonb, due_at timestamptz,
        status text, cancel_reason text, closed_at timestamptz))`)
  }
  if (cancelTasks.length) {
    ctes.push(sql`cancelled_tasks as (update trellis.flow_tasks t set status = 'cancelled',
      cancel_reason = x.reason, closed_at = ${at}::timestamptz
      from inst, jsonb_to_recordset(${json(cancelTasks)}) as x(task_key text, reason text)
      where t.instance_id = inst.id and t.task_key = x.task_key and t.status = 'open')`)
  }
  if (timers.size) {
    ctes.push(sql`new_timers as (insert into trellis.flow_timers (instance_id, timer_key, node_id, purpose, due_at, state)
      select inst.id, x.timer_key, x.node_id, x.purpose, x.due_at, x.state
      from inst, jsonb_to_recordset(${json([...timers.values()])}) as x(timer_key text, node_id text,
        purpose text, due_at timestamptz, state text))`)
  }
  if (cancelTimers.length) {
    ctes.push(sql`cancelled_timers as (update trellis.flow_timers t set state = 'cancelled'
      from inst where t.instance_id = inst.id and t.timer_key = any(${cancelTimers}::text[])
        and t.state = 'pending')`)
  }
  if (runs.size) {
    ctes.push(sql`new_actions as (insert into trellis.flow_actions (instance_id, action_key, node_id, action, state, created_at)
      select inst.id, x.action_key, x.node_id, x.action, x.state, ${at}::timestamptz
      from inst, jsonb_to_recordset(${json([...runs.values()])}) as x(action_key text, node_id text,
        action jsonb, state text)
      on conflict (instance_id, action_key) do nothing)`)
  }
  const stepRows = steps.map((s, ord) => ({
    ord,
    event: s.event.kind,
    actor: s.actor,
    detail: { event: s.event, effects: s.effects },
  }))
  ctes.push(sql`new_steps as (insert into trellis.flow_steps (instance_id, event, actor, at, detail)
    select inst.id, x.event, x.actor, ${at}::timestamptz, x.detail
    from inst, jsonb_to_recordset(${json(stepRows)}) as x(ord int, event text, actor text, detail jsonb)
    order by x.ord)`)
  const { rows } = await sql<{ n: number }>`with ${sql.join(ctes)}
    select count(*)::int as n from inst`.execute(db)
  if (Number(rows[0]?.n ?? 0) !== 1) throw new StaleInstanceError(`Instance ${row.id} moved`)
}
