import type { FlowEffect, FlowEvent, FlowState } from '@trellis/flow-engine'
import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { WriteBatcher } from '../records/write-batcher.js'
import type { StepRow } from './instance-json.js'
import type { InstanceRow } from './instance-store.js'
import type { TaskRow } from './tasks.js'

/** What the event's own write also does: close the completed task, mark the fired timer. */
export interface AdvanceExtras {
  /** The row does not exist yet (`newInstance`): insert it rather than update it. */
  insert?: boolean
  completeTask?: { id: string; key: string; outcome: string; comment: string | null; by: string }
  firedTimer?: { id: string; key: string }
}

export interface Step {
  event: FlowEvent
  actor: string | null
  effects: FlowEffect[]
}

/** One instance's outcome of an event: its new state, the steps that led there and their effects. */
export interface InstanceWrite {
  row: InstanceRow
  steps: Step[]
  state: FlowState
  /** `done` or `failed` per action id run in this write (others are recorded `pending`). */
  actionStates: Map<string, string>
  extras: AdvanceExtras
}

/** The instance's tasks and steps right after the write (what the detail view shows). */
export interface WrittenDetail {
  tasks: TaskRow[]
  steps: StepRow[]
}

const iso = (d: Date) => d.toISOString()

/** The rows one write's effects leave behind, netted, each tagged with its instance. */
interface EffectRows {
  tasks: Array<Record<string, unknown>>
  cancelTasks: Array<{ instance_id: string; task_key: string; reason: string }>
  timers: Array<Record<string, unknown>>
  cancelTimers: Array<{ instance_id: string; timer_key: string }>
  runs: Array<Record<string, unknown>>
  steps: Array<{ instance_id: string; ord: number; event: string; actor: string | null; detail: unknown }>
}

/**
 * Effects are netted first (a task or timer created and cancelled within the same write is inserted
 * closed), because the parts of one statement do not see each other's rows.
 */
function effectRows(write: InstanceWrite, at: string, into: EffectRows): void {
  const { row, extras } = write
  const instance_id = row.id
  const tasks = new Map<string, Record<string, unknown>>()
  const timers = new Map<string, Record<string, unknown>>()
  const runs = new Map<string, Record<string, unknown>>()
  for (const effect of write.steps.flatMap((s) => s.effects)) {
    switch (effect.kind) {
      case 'create_task': {
        const a = effect.assignee
        const assignee = a.kind === 'user' ? a.userId : a.kind === 'role' ? a.role : (a.field ?? null)
        tasks.set(effect.taskId, {
          instance_id,
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
          into.cancelTasks.push({ instance_id, task_key: effect.taskId, reason: effect.reason })
        break
      }
      case 'schedule_timer':
        timers.set(effect.timerId, {
          instance_id,
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
        else if (effect.timerId !== extras.firedTimer?.key)
          into.cancelTimers.push({ instance_id, timer_key: effect.timerId })
        break
      }
      case 'run_action':
        // Recorded once per (instance, action id) — the idempotency key of one node visit.
        runs.set(effect.actionId, {
          instance_id,
          action_key: effect.actionId,
          node_id: effect.nodeId,
          action: effect.action,
          state: write.actionStates.get(effect.actionId) ?? 'pending',
        })
        break
      case 'complete':
      case 'fail':
        // The outcome lives in the state (status, result, error).
        break
    }
  }
  into.tasks.push(...tasks.values())
  into.timers.push(...timers.values())
  into.runs.push(...runs.values())
  for (const s of write.steps)
    into.steps.push({
      instance_id,
      ord: into.steps.length,
      event: s.event.kind,
      actor: s.actor,
      detail: { event: s.event, effects: s.effects },
    })
}

/**
 * Writes the outcome of one event for each instance with ONE call of `trellis.flow_write` (migration
 * 0017, whose statements keep their plans per connection): the instance updates (or the insert of a new
 * one), and every row the effects leave behind, only for the instances whose own write happened. An
 * update is guarded by the version read (optimistic concurrency): an instance that moved meanwhile
 * writes nothing and is left out of the returned ids. At most one write per instance. With `detail`
 * (one write), the instance's tasks and steps after the write come back from the same call.
 */
export async function writeInstances(
  db: DynamicDb,
  writes: readonly InstanceWrite[],
  now: Date,
  options: { detail?: boolean } = {},
): Promise<{ written: Set<string>; detail?: WrittenDetail }> {
  if (!writes.length) return { written: new Set() }
  const single = writes.length === 1 ? writes[0]!.row.id : undefined
  const answer = await flowWrite(db, writePayload(writes, now, options), single)
  return writtenOf(writes, answer, now, options)
}

/** What one `flow_write` call answered, for the writes it was given (see `writeInstances`). */
export function writtenOf(
  writes: readonly InstanceWrite[],
  answer: FlowWriteAnswer,
  now: Date,
  options: { detail?: boolean } = {},
): { written: Set<string>; detail?: WrittenDetail } {
  const single = writes.length === 1 ? writes[0]! : undefined
  const written = new Set<string>(answer.written)
  if (!options.detail || !single || !written.has(single.row.id)) return { written }
  if (answer.task_ids) return { written, detail: insertedDetail(single, answer.task_ids, now) }
  return { written, detail: { tasks: answer.tasks ?? [], steps: answer.steps ?? [] } }
}

/**
 * A new instance's tasks and steps are the rows its insert wrote: built here from the write and the ids
 * the tasks were given (migration 0018), in id order as the detail view reads them.
 */
function insertedDetail(write: InstanceWrite, taskIds: Record<string, string>, now: Date): WrittenDetail {
  const at = iso(now)
  const rows: EffectRows = { tasks: [], cancelTasks: [], timers: [], cancelTimers: [], runs: [], steps: [] }
  effectRows(write, at, rows)
  const tasks = rows.tasks
    .map((t): TaskRow => {
      const key = t.task_key as string
      return {
        ...(t as Omit<TaskRow, 'id' | 'app_key' | 'outcome' | 'comment' | 'completed_by' | 'created_at'>),
        id: taskIds[key]!,
        app_key: write.row.app_key,
        outcome: null,
        comment: null,
        completed_by: null,
        delegated_to: null,
        delegated_by: null,
        created_at: now,
      }
    })
    .sort((a, b) => compareIds(a.id, b.id))
  const steps = rows.steps.map((s): StepRow => ({
    event: s.event,
    actor: s.actor,
    at: now,
    detail: s.detail as StepRow['detail'],
  }))
  return { tasks, steps }
}

/** The argument of one `trellis.flow_write` call for `writes` (JSON text; see `writeInstances`). */
export function writePayload(
  writes: readonly InstanceWrite[],
  now: Date,
  options: { detail?: boolean } = {},
): string {
  const at = iso(now)
  const rows: EffectRows = { tasks: [], cancelTasks: [], timers: [], cancelTimers: [], runs: [], steps: [] }
  for (const write of writes) effectRows(write, at, rows)
  const single = writes.length === 1 ? writes[0]! : undefined
  const payload: Record<string, unknown> = { at, steps: rows.steps }
  const inserted = single?.extras.insert ? single : undefined
  if (inserted) {
    const { row, state } = inserted
    payload.insert = {
      id: row.id,
      app_key: row.app_key,
      flow_key: row.flow_key,
      flow_version: row.flow_version,
      definition: row.definition,
      record_form: row.record_form,
      record_id: row.record_id,
      status: state.status,
      state,
      started_by: row.started_by,
    }
  } else {
    if (writes.some((w) => w.extras.insert)) throw new Error('An instance insert is written on its own')
    // In instance id order: concurrent writers lock instances in one order (see `flowWrite`).
    payload.updates = [...writes]
      .sort((a, b) => compareIds(a.row.id, b.row.id))
      .map((w) => ({
        id: w.row.id,
        version: w.row.version,
        state: w.state,
        status: w.state.status,
        task: w.extras.completeTask?.id ?? null,
      }))
  }
  const completed = single?.extras.completeTask
  if (completed)
    payload.complete = {
      id: completed.id,
      instance_id: single!.row.id,
      outcome: completed.outcome,
      comment: completed.comment,
      completed_by: completed.by,
    }
  else if (writes.some((w) => w.extras.completeTask))
    throw new Error('A task completion is written on its own')
  const fired = writes.flatMap((w) =>
    w.extras.firedTimer ? [{ instance_id: w.row.id, id: w.extras.firedTimer.id }] : [],
  )
  if (fired.length) payload.fired = fired
  const appOf = new Map(writes.map((w) => [w.row.id, w.row.app_key]))
  if (rows.tasks.length)
    payload.tasks = rows.tasks.map((t) => ({ ...t, app_key: appOf.get(t.instance_id as string) }))
  if (rows.cancelTasks.length) payload.cancel_tasks = rows.cancelTasks
  if (rows.timers.length) payload.timers = rows.timers
  if (rows.cancelTimers.length) payload.cancel_timers = rows.cancelTimers
  if (rows.runs.length) payload.runs = rows.runs
  if (options.detail && single) payload.detail = single.row.id
  return JSON.stringify(payload)
}

/** The ids written; with `detail`, a new instance's task ids (by task key) or an instance's tasks and steps. */
export type FlowWriteAnswer = {
  written: string[]
  task_ids?: Record<string, string>
} & Partial<WrittenDetail>

/** Group commit of `flow_write` calls made outside a transaction, per database handle. */
const batchers = new WeakMap<DynamicDb, WriteBatcher<Queued, FlowWriteAnswer>>()

/** One instance's write waiting to go (its payload, and its instance: the order rows are locked in). */
interface Queued {
  payload: string
  instance: string
}

/** Ids (decimal bigint text) in numeric order. */
const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)

/**
 * One `trellis.flow_write` call. Calls for one instance made outside a transaction while another is in
 * flight on the same database wait and go together as ONE statement that calls the function once per
 * payload: each call keeps its own guard (the version read) and its own answer, as if made alone; the
 * statement is one transaction, so an error in any of them fails the statement and each is then made
 * again on its own (its caller gets its own outcome). They run in instance id order, the order the
 * timer loop's batches lock instances in, so the two never wait on each other in a cycle. A lone call is
 * never delayed.
 */
function flowWrite(db: DynamicDb, payload: string, instance: string | undefined): Promise<FlowWriteAnswer> {
  if (db.isTransaction || instance === undefined) return flowWriteOne(db, payload)
  let batcher = batchers.get(db)
  if (!batcher) {
    batcher = new WriteBatcher<Queued, FlowWriteAnswer>(1, 64)
    batchers.set(db, batcher)
  }
  return batcher.submit(
    'flow_write',
    { payload, instance },
    async (queued) => {
      const order = queued.map((q, i) => ({ q, i })).sort((a, b) => compareIds(a.q.instance, b.q.instance))
      const answers = await flowWriteMany(
        db,
        order.map(({ q }) => q.payload),
      )
      const inOrder: FlowWriteAnswer[] = []
      order.forEach(({ i }, k) => (inOrder[i] = answers[k]!))
      return inOrder
    },
    (one) => flowWriteOne(db, one.payload),
  )
}

async function flowWriteOne(db: DynamicDb, payload: string): Promise<FlowWriteAnswer> {
  const { rows } = await sql<{ result: FlowWriteAnswer }>`select
    trellis.flow_write(${payload}::jsonb) as result`.execute(db)
  return rows[0]!.result
}

/** Several `flow_write` calls as one statement (so one transaction outside of one), answers in order. */
export async function flowWriteMany(db: DynamicDb, payloads: string[]): Promise<FlowWriteAnswer[]> {
  const { rows } = await sql<{ result: FlowWriteAnswer }>`select trellis.flow_write(w.payload) as result
    from jsonb_array_elements(${`[${payloads.join(',')}]`}::jsonb) with ordinality as w(payload, n)
    order by w.n`.execute(db)
  return rows.map((r) => r.result)
}
