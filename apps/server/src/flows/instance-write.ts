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
  cancelTasks: Array<{ instance_id: string; task_key: string; reason: string; at: string }>
  timers: Array<Record<string, unknown>>
  cancelTimers: Array<{ instance_id: string; timer_key: string }>
  runs: Array<Record<string, unknown>>
  steps: Array<{
    instance_id: string
    ord: number
    event: string
    actor: string | null
    detail: unknown
    at: string
  }>
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
          at,
        })
        break
      }
      case 'cancel_task': {
        const created = tasks.get(effect.taskId)
        if (created)
          Object.assign(created, { status: 'cancelled', cancel_reason: effect.reason, closed_at: at })
        else if (effect.taskId !== extras.completeTask?.key)
          into.cancelTasks.push({ instance_id, task_key: effect.taskId, reason: effect.reason, at })
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
          at,
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
      at,
    })
}

/**
 * Writes the outcome of one event for each instance with ONE call of `trellis.flow_write` (migration
 * 0018, set-based: one statement per table whatever the number of instances): the instance updates (or
 * the inserts of new ones), and every row the effects leave behind, only for the instances whose own write
 * happened. An update is guarded by the version read (optimistic concurrency): an instance that moved
 * meanwhile writes nothing and is left out of the returned ids. At most one write per instance. With
 * `detail` (one write), the instance's tasks and steps after the write come with the answer.
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

/** What `flow_write` answered for the writes of one payload (see `writeInstances`). */
export function writtenOf(
  writes: readonly InstanceWrite[],
  answer: FlowWriteAnswer,
  now: Date,
  options: { detail?: boolean } = {},
): { written: Set<string>; detail?: WrittenDetail } {
  const single = writes.length === 1 ? writes[0]! : undefined
  const written = new Set<string>(answer.written)
  if (!options.detail || !single || !written.has(single.row.id)) return { written }
  const id = single.row.id
  if (single.extras.insert)
    return { written, detail: insertedDetail(single, answer.task_ids?.[id] ?? {}, now) }
  return { written, detail: answer.details?.[id] ?? { tasks: [], steps: [] } }
}

/**
 * A new instance's tasks and steps are the rows its insert wrote: built here from the write and the ids
 * the tasks were given (migration 0018), in id order as the detail view reads them.
 */
function insertedDetail(write: InstanceWrite, taskIds: Record<string, string>, now: Date): WrittenDetail {
  const rows: EffectRows = { tasks: [], cancelTasks: [], timers: [], cancelTimers: [], runs: [], steps: [] }
  effectRows(write, iso(now), rows)
  const tasks = rows.tasks
    .map(({ at: _at, ...t }): TaskRow => {
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

/** The argument of `trellis.flow_write`: rows per table, each with its instance and its own time. */
export interface WritePayload {
  inserts?: Array<Record<string, unknown>>
  updates?: Array<{
    id: string
    version: number
    state: FlowState
    status: string
    task: string | null
    at: string
  }>
  complete?: Array<Record<string, unknown>>
  fired?: Array<{ instance_id: string; id: string; at: string }>
  tasks?: Array<Record<string, unknown>>
  cancel_tasks?: EffectRows['cancelTasks']
  timers?: Array<Record<string, unknown>>
  cancel_timers?: EffectRows['cancelTimers']
  runs?: Array<Record<string, unknown>>
  steps: EffectRows['steps']
  /** Updated instances whose tasks and steps the answer brings back. */
  detail?: string[]
}

/** The payload of `flow_write` for `writes`, all made at `now` (see `writeInstances`). */
export function writePayload(
  writes: readonly InstanceWrite[],
  now: Date,
  options: { detail?: boolean } = {},
): WritePayload {
  const at = iso(now)
  const rows: EffectRows = { tasks: [], cancelTasks: [], timers: [], cancelTimers: [], runs: [], steps: [] }
  for (const write of writes) effectRows(write, at, rows)
  const payload: WritePayload = { steps: rows.steps }
  const inserts = writes.filter((w) => w.extras.insert)
  if (inserts.length)
    payload.inserts = inserts.map(({ row, state }) => ({
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
      at,
    }))
  const updates = writes.filter((w) => !w.extras.insert)
  if (updates.length)
    payload.updates = updates.map((w) => ({
      id: w.row.id,
      version: w.row.version,
      state: w.state,
      status: w.state.status,
      task: w.extras.completeTask?.id ?? null,
      at,
    }))
  const complete = writes.flatMap(({ row, extras: { completeTask: c } }) =>
    c
      ? [{ id: c.id, instance_id: row.id, outcome: c.outcome, comment: c.comment, completed_by: c.by, at }]
      : [],
  )
  if (complete.length) payload.complete = complete
  const fired = writes.flatMap((w) =>
    w.extras.firedTimer ? [{ instance_id: w.row.id, id: w.extras.firedTimer.id, at }] : [],
  )
  if (fired.length) payload.fired = fired
  const appOf = new Map(writes.map((w) => [w.row.id, w.row.app_key]))
  if (rows.tasks.length)
    payload.tasks = rows.tasks.map((t) => ({ ...t, app_key: appOf.get(t.instance_id as string) }))
  if (rows.cancelTasks.length) payload.cancel_tasks = rows.cancelTasks
  if (rows.timers.length) payload.timers = rows.timers
  if (rows.cancelTimers.length) payload.cancel_timers = rows.cancelTimers
  if (rows.runs.length) payload.runs = rows.runs
  const single = writes.length === 1 ? writes[0]! : undefined
  if (options.detail && single && !single.extras.insert) payload.detail = [single.row.id]
  return payload
}

/** The instances a payload writes (inserted or updated). */
const instancesOf = (payload: WritePayload): string[] => [
  ...(payload.inserts ?? []).map((r) => r.id as string),
  ...(payload.updates ?? []).map((u) => u.id),
]

/**
 * Several payloads as one: rows concatenated, steps numbered in order, updates in instance id order (the
 * order concurrent writers lock instances in, as the timer loop's batches do, so they never wait on each
 * other in a cycle). The payloads must write different instances.
 */
function merged(payloads: readonly WritePayload[]): WritePayload {
  if (payloads.length === 1) return payloads[0]!
  const out: WritePayload = { steps: [] }
  const lists = out as unknown as Record<string, unknown[]>
  for (const payload of payloads)
    for (const [key, rows] of Object.entries(payload) as Array<[string, unknown[]]>)
      (lists[key] ??= []).push(...rows)
  out.steps = out.steps.map((s, ord) => ({ ...s, ord }))
  out.updates?.sort((a, b) => compareIds(a.id, b.id))
  return out
}

/**
 * The ids written; a new instance's task ids (by instance, then task key); with `detail`, an updated
 * instance's tasks and steps (by instance).
 */
export interface FlowWriteAnswer {
  written: string[]
  task_ids?: Record<string, Record<string, string>> | null
  details?: Record<string, WrittenDetail> | null
}

/** Group commit of `flow_write` calls made outside a transaction, per database handle. */
const batchers = new WeakMap<DynamicDb, WriteBatcher<Queued, FlowWriteAnswer>>()

/** One instance's write waiting to go. */
interface Queued {
  payload: WritePayload
  instance: string
}

/** Ids (decimal bigint text) in numeric order. */
const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)

/**
 * One `trellis.flow_write` call. Calls made outside a transaction while another is in flight on the same
 * database wait and go together as ONE call (see `flowWriteMany`): each keeps its own guard (the version
 * read) and its own answer, as if made alone; the call is one transaction, so an error in any of them
 * fails it and each is then made again on its own (its caller gets its own outcome).
 */
function flowWrite(
  db: DynamicDb,
  payload: WritePayload,
  instance: string | undefined,
): Promise<FlowWriteAnswer> {
  if (db.isTransaction || instance === undefined) return flowWriteCall(db, payload)
  let batcher = batchers.get(db)
  if (!batcher) {
    batcher = new WriteBatcher<Queued, FlowWriteAnswer>(1, 64)
    batchers.set(db, batcher)
  }
  return batcher.submit(
    'flow_write',
    { payload, instance },
    (queued) =>
      flowWriteMany(
        db,
        queued.map((q) => q.payload),
      ),
    (one) => flowWriteCall(db, one.payload),
  )
}

async function flowWriteCall(db: DynamicDb, payload: WritePayload): Promise<FlowWriteAnswer> {
  const { rows } = await sql<{ result: FlowWriteAnswer }>`select
    trellis.flow_write(${JSON.stringify(payload)}::jsonb) as result`.execute(db)
  return rows[0]!.result
}

/**
 * Several payloads written by one `flow_write` call, answers in order, each with the ids of its own
 * instances. Payloads for an instance already in the call (two tasks of one instance completed at once)
 * go in a next call, after it, as they would one after the other.
 */
export async function flowWriteMany(
  db: DynamicDb,
  payloads: readonly WritePayload[],
): Promise<FlowWriteAnswer[]> {
  const answers: FlowWriteAnswer[] = []
  let pending = payloads.map((payload, i) => ({ payload, i, ids: instancesOf(payload) }))
  while (pending.length) {
    const round: typeof pending = []
    const later: typeof pending = []
    const taken = new Set<string>()
    for (const item of pending) {
      if (item.ids.some((id) => taken.has(id))) later.push(item)
      else {
        for (const id of item.ids) taken.add(id)
        round.push(item)
      }
    }
    const answer = await flowWriteCall(db, merged(round.map((r) => r.payload)))
    const written = new Set(answer.written)
    for (const { i, ids } of round) answers[i] = { ...answer, written: ids.filter((id) => written.has(id)) }
    pending = later
  }
  return answers
}
