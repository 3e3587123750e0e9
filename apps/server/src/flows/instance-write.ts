import type { FlowEffect, FlowEvent, FlowState } from '@trellis/flow-engine'
import { sql, type RawBuilder } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
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
const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`

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

/** The task columns as the detail view reads them (ids as text). */
const taskJsonSql = (alias: string) =>
  sql.raw(
    `to_jsonb(${alias}) || jsonb_build_object('id', ${alias}.id::text, 'instance_id', ${alias}.instance_id::text)`,
  )

/**
 * Writes the outcome of one event for each instance in ONE statement: the instance updates (or the
 * insert of a new one) as `inst`, and every row the effects leave behind joined to `inst`, so nothing
 * of an instance is written unless its own write happened. An update is guarded by the version read
 * (optimistic concurrency): an instance that moved meanwhile writes nothing and is left out of the
 * returned ids. At most one write per instance. With `detail` (one write), the instance's tasks and
 * steps after the write come back from the same statement.
 */
export async function writeInstances(
  db: DynamicDb,
  writes: readonly InstanceWrite[],
  now: Date,
  options: { detail?: boolean } = {},
): Promise<{ written: Set<string>; detail?: WrittenDetail }> {
  if (!writes.length) return { written: new Set() }
  const at = iso(now)
  const rows: EffectRows = { tasks: [], cancelTasks: [], timers: [], cancelTimers: [], runs: [], steps: [] }
  for (const write of writes) effectRows(write, at, rows)
  const single = writes.length === 1 ? writes[0]! : undefined
  const ctes: RawBuilder<unknown>[] = [instanceWrite(writes, at)]

  const completed = single?.extras.completeTask
  if (completed) {
    ctes.push(sql`done_task as (update trellis.flow_tasks set status = 'completed', outcome = ${completed.outcome},
      comment = ${completed.comment}, completed_by = ${completed.by}, closed_at = ${at}::timestamptz
      where id = ${completed.id} and status = 'open' and exists (select 1 from inst) returning *)`)
  }
  const fired = writes.flatMap((w) =>
    w.extras.firedTimer ? [{ instance_id: w.row.id, id: w.extras.firedTimer.id }] : [],
  )
  if (fired.length) {
    ctes.push(sql`fired_timers as (update trellis.flow_timers t set state = 'fired', fired_at = ${at}::timestamptz
      from inst join jsonb_to_recordset(${json(fired)}) as x(instance_id bigint, id bigint) on x.instance_id = inst.id
      where t.id = x.id)`)
  }
  if (rows.tasks.length) {
    ctes.push(sql`new_tasks as (insert into trellis.flow_tasks
      (instance_id, task_key, node_id, name, app_key, assignee_kind, assignee, form, outcomes, returned, due_at,
       status, cancel_reason, created_at, closed_at)
      select inst.id, x.task_key, x.node_id, x.name, inst.app_key, x.assignee_kind, x.assignee, x.form,
        x.outcomes, x.returned, x.due_at, x.status, x.cancel_reason, ${at}::timestamptz, x.closed_at
      from inst join jsonb_to_recordset(${json(rows.tasks)}) as x(instance_id bigint, task_key text,
        node_id text, name text, assignee_kind text, assignee text, form text, outcomes jsonb, returned jsonb,
        due_at timestamptz, status text, cancel_reason text, closed_at timestamptz) on x.instance_id = inst.id
      returning *)`)
  }
  if (rows.cancelTasks.length) {
    ctes.push(sql`cancelled_tasks as (update trellis.flow_tasks t set status = 'cancelled',
      cancel_reason = x.reason, closed_at = ${at}::timestamptz
      from inst join jsonb_to_recordset(${json(rows.cancelTasks)}) as x(instance_id bigint, task_key text,
        reason text) on x.instance_id = inst.id
      where t.instance_id = inst.id and t.task_key = x.task_key and t.status = 'open'
      returning t.*)`)
  }
  if (rows.timers.length) {
    ctes.push(sql`new_timers as (insert into trellis.flow_timers (instance_id, timer_key, node_id, purpose, due_at, state)
      select inst.id, x.timer_key, x.node_id, x.purpose, x.due_at, x.state
      from inst join jsonb_to_recordset(${json(rows.timers)}) as x(instance_id bigint, timer_key text,
        node_id text, purpose text, due_at timestamptz, state text) on x.instance_id = inst.id)`)
  }
  if (rows.cancelTimers.length) {
    ctes.push(sql`cancelled_timers as (update trellis.flow_timers t set state = 'cancelled'
      from inst join jsonb_to_recordset(${json(rows.cancelTimers)}) as x(instance_id bigint, timer_key text)
        on x.instance_id = inst.id
      where t.instance_id = inst.id and t.timer_key = x.timer_key and t.state = 'pending')`)
  }
  if (rows.runs.length) {
    ctes.push(sql`new_actions as (insert into trellis.flow_actions (instance_id, action_key, node_id, action, state, created_at)
      select inst.id, x.action_key, x.node_id, x.action, x.state, ${at}::timestamptz
      from inst join jsonb_to_recordset(${json(rows.runs)}) as x(instance_id bigint, action_key text,
        node_id text, action jsonb, state text) on x.instance_id = inst.id
      on conflict (instance_id, action_key) do nothing)`)
  }
  ctes.push(sql`new_steps as (insert into trellis.flow_steps (instance_id, event, actor, at, detail)
    select inst.id, x.event, x.actor, ${at}::timestamptz, x.detail
    from inst join jsonb_to_recordset(${json(rows.steps)}) as x(instance_id bigint, ord int, event text,
      actor text, detail jsonb) on x.instance_id = inst.id
    order by x.ord
    returning id, event, actor, at, detail)`)

  const detail = options.detail && single ? detailSql(single, rows, Boolean(completed)) : sql``
  const { rows: result } = await sql<{ written: string[] } & Partial<WrittenDetail>>`with ${sql.join(ctes)}
    select coalesce((select jsonb_agg(inst.id::text) from inst), '[]') as written ${detail}`.execute(db)
  const first = result[0]
  const written = new Set<string>(first?.written ?? [])
  if (!options.detail || !single || !written.has(single.row.id)) return { written }
  return { written, detail: { tasks: first?.tasks ?? [], steps: first?.steps ?? [] } }
}

/** The instance write: an insert of a new row, an update of one guarded by its version, or of many. */
function instanceWrite(writes: readonly InstanceWrite[], at: string): RawBuilder<unknown> {
  const [first] = writes
  if (writes.length === 1 && first!.extras.insert) {
    const { row, state } = first!
    return sql`inst as (insert into trellis.flow_instances
      (id, app_key, flow_key, flow_version, definition, record_form, record_id, status, state, version,
       started_by, created_at, updated_at)
      overriding system value
      values (${row.id}, ${row.app_key}, ${row.flow_key}, ${row.flow_version}, ${json(row.definition)},
        ${row.record_form}, ${row.record_id}, ${state.status}, ${JSON.stringify(state)}::jsonb, 1,
        ${row.started_by}, ${at}::timestamptz, ${at}::timestamptz)
      returning id, app_key)`
  }
  if (writes.some((w) => w.extras.insert)) throw new Error('An instance insert is written on its own')
  if (writes.length === 1) {
    const { row, state, extras } = first!
    const task = extras.completeTask
    return sql`inst as (update trellis.flow_instances
      set state = ${JSON.stringify(state)}::jsonb, status = ${state.status}, version = version + 1,
        updated_at = ${at}::timestamptz
      where id = ${row.id} and version = ${row.version}
      ${task ? sql`and exists (select 1 from trellis.flow_tasks where id = ${task.id} and status = 'open')` : sql``}
      returning id, app_key)`
  }
  if (writes.some((w) => w.extras.completeTask)) throw new Error('A task completion is written on its own')
  const updates = writes.map((w) => ({
    id: w.row.id,
    version: w.row.version,
    state: w.state,
    status: w.state.status,
  }))
  return sql`inst as (update trellis.flow_instances i
    set state = x.state, status = x.status, version = i.version + 1, updated_at = ${at}::timestamptz
    from jsonb_to_recordset(${json(updates)}) as x(id bigint, version int, state jsonb, status text)
    where i.id = x.id and i.version = x.version
    returning i.id, i.app_key)`
}

/**
 * The detail of the one instance written, as it stands after the statement: the parts of a statement
 * see the tables as they were before it, so the rows this write added or changed come from the CTEs'
 * `returning` and replace their earlier versions.
 */
function detailSql(write: InstanceWrite, rows: EffectRows, completed: boolean): RawBuilder<unknown> {
  const id = write.row.id
  const changed: RawBuilder<unknown>[] = []
  if (completed) changed.push(sql`select * from done_task`)
  if (rows.cancelTasks.length) changed.push(sql`select * from cancelled_tasks`)
  const added = rows.tasks.length ? sql`union all select * from new_tasks` : sql``
  const earlier = write.extras.insert
    ? sql``
    : changed.length
      ? sql`union all select * from trellis.flow_tasks t where t.instance_id = ${id}
          and t.id not in (select c.id from (${sql.join(changed, sql` union all `)}) c)`
      : sql`union all select * from trellis.flow_tasks t where t.instance_id = ${id}`
  const changedRows = changed.length ? sql`union all ${sql.join(changed, sql` union all `)}` : sql``
  const earlierSteps = write.extras.insert
    ? sql``
    : sql`union all select s.id, s.event, s.actor, s.at, s.detail from trellis.flow_steps s
        where s.instance_id = ${id}`
  return sql`, coalesce((select jsonb_agg(${taskJsonSql('t')} order by t.id) from (
        select * from trellis.flow_tasks where false ${added} ${changedRows} ${earlier}) t), '[]') as tasks,
      coalesce((select jsonb_agg(jsonb_build_object('id', s.id::text, 'event', s.event, 'actor', s.actor,
        'at', s.at, 'detail', s.detail) order by s.id) from (
        select id, event, actor, at, detail from new_steps ${earlierSteps}) s), '[]') as steps`
}
