import { advance, type FlowEvent, type FlowState, type Outcome } from '@trellis/flow-engine'
import { sql } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { PublishedApp } from '../apps/published-app.js'
import type { AccessService } from '../auth/access-service.js'
import type { UserService } from '../auth/user-service.js'
import type { Viewer } from '../auth/viewer.js'
import { systemClock, type Clock } from '../automation/clock.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { WriteBatcher } from '../records/write-batcher.js'
import { assertFlowsValid, findFlow } from './flow-definitions.js'
import { instanceJson, readDetail, type ShownInstance } from './instance-json.js'
import { FlowStarter, refused } from './flow-starts.js'
import {
  advanceInstance,
  InstanceIds,
  instanceColumns,
  instanceFrom,
  normalizeInstance,
  readInstance,
  StaleInstanceError,
  type InstanceRow,
  type StoredInstance,
} from './instance-store.js'
import { writeInstances, type InstanceWrite, type WrittenDetail } from './instance-write.js'
import { InstanceRecordAccess, type RecordView } from './record-access.js'
import { ServiceActions } from './service-actions.js'
import { StartBatch } from './start-batch.js'
import { inbox, isOwner, readTask, readTaskWithInstance, taskJson, type TaskRow } from './tasks.js'

export interface StartInput {
  form?: string
  recordId?: string
  variables?: Record<string, unknown>
}

/** Where a task goes when it is reassigned. */
export type TaskTarget = { kind: 'user'; userId: string } | { kind: 'role'; role: string }

export interface CompleteInput {
  outcome: Outcome
  comment?: string
  form?: Record<string, unknown>
}

/** Optimistic writes that lose a race are retried from a fresh read this many times, then answer 409. */
const ATTEMPTS = 3

/** Starters whose role is remembered (see `FlowService.start`). */
const ROLES_KEPT = 10_000

const roleKey = (app: string, viewer: Viewer) => `${app}\u0000${viewer.userId}`

/** Due timers claimed and fired per transaction by `runDueTimers`. */
const TIMER_BATCH = 50

type DueTimer = StoredInstance & { timer_id: string; timer_key: string; due_at: Date }

/**
 * The server side of flows: instances stored with their definition, effects carried out in the
 * transaction that writes the state, a task inbox and durable timers. `clock` is replaceable so tests
 * move time; `runDueTimers` fires what is due (called by tests, and by the timer loop of `startServer`).
 */
export class FlowService {
  clock: Clock = systemClock
  readonly actions: ServiceActions
  /** Starts by record events and rules (registered with automation in routes/flows.ts). */
  readonly starter: FlowStarter
  private readonly recordAccess: InstanceRecordAccess
  private timer: NodeJS.Timeout | undefined
  /** The role each recent starter had in each app: a guess, checked at every start (see `start`). */
  private readonly lastRoles = new Map<string, string>()
  /** Ids for manual starts, drawn a block at a time. */
  private readonly ids: InstanceIds
  /** Membership look-ups made while one is in flight go together (one statement; see `rolesOf`). */
  private readonly roles = new WriteBatcher<{ app: string; viewer: Viewer }, string | undefined>(1, 64)
  /** Manual starts arriving together are written together (see StartBatch). */
  private readonly starts: StartBatch

  /** Records are read with the viewer's known role (see InstanceRecordAccess), not through the records API. */
  constructor(
    private readonly db: DynamicDb,
    private readonly apps: AppService,
    private readonly access: AccessService,
    private readonly users: UserService,
  ) {
    this.actions = new ServiceActions(apps)
    this.starter = new FlowStarter(this.actions)
    this.actions.flows = this.starter
    this.recordAccess = new InstanceRecordAccess(db, apps, access)
    this.ids = new InstanceIds(db)
    this.starts = new StartBatch(db, apps, this.actions, this.ids)
  }

  /** Admins, and members of the app under any role: returns the member's role (undefined for admins). */
  private async requireMember(app: string, viewer: Viewer): Promise<string | undefined> {
    if (viewer.isAdmin) return undefined
    const role = await this.roles.submit(
      'roles',
      { app, viewer },
      (asked) => rolesOf(this.db, asked),
      // From the item, not this call: the batcher keeps the first caller's functions for its lane.
      (one) => this.access.roleOf(one.app, one.viewer),
    )
    if (!role) throw new AppError(403, 'APP_FORBIDDEN', `You are not a member of app ${app}`)
    return role
  }

  /**
   * Each attempt reads, advances in memory and writes with one optimistic statement (a transaction is
   * opened by `advanceInstance` only when service actions run), so a lost race writes nothing.
   */
  private async retrying<T>(work: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(attempt)
      } catch (error) {
        if (!(error instanceof StaleInstanceError)) throw error
        if (attempt >= ATTEMPTS)
          throw new AppError(409, 'FLOW_CONFLICT', 'The instance kept changing; try again')
      }
    }
  }

  async start(appKey: string, flowKey: string, input: StartInput, viewer: Viewer) {
    // The record is read with the role the viewer had last time, while the membership is checked: one
    // round trip less per start. The read counts only if that is still the role (else it is read again).
    const known = viewer.isAdmin ? undefined : this.lastRoles.get(roleKey(appKey, viewer))
    const early =
      known !== undefined && input.recordId !== undefined
        ? this.startRecord(appKey, flowKey, input, known, viewer)
        : undefined
    early?.catch(() => undefined)
    const role = await this.requireMember(appKey, viewer)
    if (role !== undefined) this.rememberRole(appKey, viewer, role)
    const { app, flow, form } = this.startTarget(await this.apps.requirePublished(appKey), flowKey, input)
    let record: Record<string, unknown> | undefined
    let view: RecordView = { kind: 'none' }
    if (input.recordId !== undefined) {
      if (!form) throw new AppError(400, 'FLOW_FORM_REQUIRED', 'Say which form the record belongs to', 'form')
      const guessed = early && known === role ? await early : undefined
      // Read as the records API reads it for this member, so the viewer's access to the record is enforced.
      record =
        guessed?.app === app
          ? guessed.record
          : await this.recordAccess.read(app, form, role, viewer, input.recordId)
      view = {
        kind: 'visible',
        values: record,
        present: this.recordAccess.presenterFor(app, form, role, viewer),
      }
    }
    const now = this.clock.now()
    const started = await this.starts.start(
      {
        app: appKey,
        flow,
        form: record ? form! : null,
        recordId: record ? String(record.id) : null,
        ...(record ? { record } : {}),
        ...(input.variables ? { variables: input.variables } : {}),
        startedBy: viewer.username,
        by: viewer.userId,
      },
      now,
    )
    // The viewer is a member (or an admin) and saw the record: the detail comes from the start's write.
    return shown(started.row, started.detail!, view)
  }

  /** The flow to start and the form of its record (checked in this order, as errors are reported). */
  private startTarget(app: PublishedApp, flowKey: string, input: StartInput) {
    const flow = findFlow(app.definition, flowKey)
    assertFlowsValid(app.definition, flowKey)
    const startNode = flow.nodes.find((n) => n.kind === 'start')
    const trigger = (startNode?.config as { trigger?: { form?: string } } | undefined)?.trigger
    return { app, flow, form: input.form ?? trigger?.form }
  }

  /** The start's record as a member of `role` reads it (ahead of the membership check: see `start`). */
  private async startRecord(
    appKey: string,
    flowKey: string,
    input: StartInput,
    role: string,
    viewer: Viewer,
  ) {
    const { app, form } = this.startTarget(await this.apps.requirePublished(appKey), flowKey, input)
    if (!form) throw new AppError(400, 'FLOW_FORM_REQUIRED', 'Say which form the record belongs to', 'form')
    const record = await this.recordAccess.read(app, form, role, viewer, input.recordId!)
    return { app, record }
  }

  private rememberRole(appKey: string, viewer: Viewer, role: string): void {
    const key = roleKey(appKey, viewer)
    if (this.lastRoles.get(key) === role) return
    if (this.lastRoles.size >= ROLES_KEPT) this.lastRoles.delete(this.lastRoles.keys().next().value!)
    this.lastRoles.set(key, role)
  }

  async completeTask(taskId: string, input: CompleteInput, viewer: Viewer) {
    const now = this.clock.now()
    const found = await readTaskWithInstance(this.db, taskId, viewer)
    if (!found) throw new AppError(404, 'TASK_NOT_FOUND', `No task ${taskId}`)
    const { task } = found
    const view = await this.taskRecordView(task, found.instance, viewer, found.role)
    if (!found.mine) throw new AppError(403, 'TASK_NOT_ASSIGNEE', 'Only the assignee may complete this task')
    if (task.form && input.form)
      await this.recordAccess.checkWritable(task.app_key, task.form, input.form, viewer)
    const formData = await this.checkTaskForm(task.app_key, task.form, input.form)
    const done = await this.retrying(async (attempt) => {
      const current = attempt === 1 ? found : await readTaskWithInstance(this.db, taskId, viewer)
      if (!current || current.task.status !== 'open')
        throw new AppError(409, 'TASK_CLOSED', `Task ${taskId} is already ${current?.task.status ?? 'gone'}`)
      const event: FlowEvent = {
        kind: 'task_completed',
        at: now.toISOString(),
        taskId: current.task.task_key,
        outcome: input.outcome,
        ...(input.comment === undefined ? {} : { comment: input.comment }),
        ...(formData === undefined ? {} : { form: formData }),
        by: viewer.userId,
      }
      const completeTask = {
        id: taskId,
        key: current.task.task_key,
        outcome: input.outcome,
        comment: input.comment ?? null,
        by: viewer.username,
      }
      const result = await advanceInstance(
        this.db,
        current.instance,
        event,
        viewer.username,
        now,
        this.actions,
        { completeTask },
        { detail: true },
      )
      if (result.rejected) throw refused(result.rejected)
      return { row: advanced(current.instance, result.state, now), detail: result.detail! }
    })
    // The instance detail is shown to members (and admins): a task of no record may be a non-member's.
    if (!viewer.isAdmin && found.role === null && view?.kind !== 'visible')
      throw new AppError(403, 'APP_FORBIDDEN', `You are not a member of app ${task.app_key}`)
    return shown(done.row, done.detail, view)
  }

  /**
   * Hands an open task to another user or role: the assignee (or an administrator) gives it away, any
   * delegation ends, and the step is written to the instance's history with the actor and the comment.
   */
  async reassignTask(taskId: string, input: { to: TaskTarget; comment?: string }, viewer: Viewer) {
    const task = await this.requireTaskOwner(taskId, viewer, 'reassign')
    await this.checkTarget(task, input.to, 'to')
    const to = input.to.kind === 'user' ? input.to.userId : input.to.role
    await this.handOver(task, viewer, 'task_reassigned', {
      set: sql`assignee_kind = ${input.to.kind}, assignee = ${to}, delegated_to = null, delegated_by = null`,
      detail: {
        from: { kind: task.assignee_kind, value: task.assignee },
        to: { kind: input.to.kind, value: to },
        ...(input.comment === undefined ? {} : { comment: input.comment }),
      },
    })
    return this.detail(task.instance_id, viewer)
  }

  /**
   * Lets another user act on the task while the assignee keeps it (both see it; either completes it,
   * the completion names who did). `userId: null` takes it back. Assignee or administrator only.
   */
  async delegateTask(taskId: string, input: { userId: string | null; comment?: string }, viewer: Viewer) {
    const task = await this.requireTaskOwner(taskId, viewer, 'delegate')
    if (input.userId !== null) await this.checkTarget(task, { kind: 'user', userId: input.userId }, 'userId')
    await this.handOver(task, viewer, 'task_delegated', {
      set: sql`delegated_to = ${input.userId}, delegated_by = ${input.userId === null ? null : viewer.username}`,
      detail: {
        from: task.delegated_to,
        to: input.userId,
        ...(input.comment === undefined ? {} : { comment: input.comment }),
      },
    })
    return this.detail(task.instance_id, viewer)
  }

  /**
   * Takes a task from a role queue (or, for an administrator, the queue of unresolved assignees): it
   * becomes the viewer's own, leaves the other members' inboxes, and the step lands in the history. Two
   * members claiming at once: one wins, the other gets `409 TASK_CLAIMED`. Giving it back to the queue is
   * a reassignment to the role.
   */
  async claimTask(taskId: string, viewer: Viewer) {
    const task = await readTask(this.db, taskId)
    if (!task) throw new AppError(404, 'TASK_NOT_FOUND', `No task ${taskId}`)
    await this.requireTaskRecord(task, viewer)
    if (task.status !== 'open')
      throw new AppError(409, 'TASK_CLOSED', `Task ${taskId} is already ${task.status}`)
    if (task.assignee_kind === 'user') {
      if (task.assignee === viewer.userId) return this.detail(task.instance_id, viewer)
      throw new AppError(409, 'TASK_CLAIMED', `Task ${taskId} is already assigned to a user`)
    }
    if (!(await isOwner(this.db, taskId, viewer))) {
      // Someone may have claimed it between our two reads: that is a lost race, not a missing right.
      const current = await readTask(this.db, taskId)
      if (current && (current.assignee_kind !== task.assignee_kind || current.assignee !== task.assignee))
        throw new AppError(409, 'TASK_CLAIMED', `Task ${taskId} was taken by someone else meanwhile`)
      throw new AppError(
        403,
        'TASK_NOT_ASSIGNEE',
        task.assignee_kind === 'role'
          ? `Only a member of role ${task.assignee} may claim this task`
          : 'Only an administrator may claim this task',
      )
    }
    await this.handOver(task, viewer, 'task_claimed', {
      set: sql`assignee_kind = 'user', assignee = ${viewer.userId}, delegated_to = null, delegated_by = null`,
      // Still in the queue it was claimed from: a concurrent claim (or reassignment) makes this one lose.
      where: sql`and assignee_kind = ${task.assignee_kind} and assignee is not distinct from ${task.assignee}`,
      detail: {
        from: { kind: task.assignee_kind, value: task.assignee },
        to: { kind: 'user', value: viewer.userId },
      },
    })
    return this.detail(task.instance_id, viewer)
  }

  private async requireTaskOwner(taskId: string, viewer: Viewer, what: string): Promise<TaskRow> {
    const task = await readTask(this.db, taskId)
    if (!task) throw new AppError(404, 'TASK_NOT_FOUND', `No task ${taskId}`)
    await this.requireTaskRecord(task, viewer)
    if (!viewer.isAdmin && !(await isOwner(this.db, taskId, viewer)))
      throw new AppError(
        403,
        'TASK_NOT_ASSIGNEE',
        `Only the assignee or an administrator may ${what} this task`,
      )
    if (task.status !== 'open')
      throw new AppError(409, 'TASK_CLOSED', `Task ${taskId} is already ${task.status}`)
    return task
  }

  /** The new assignee must be able to act on it: a member of the app (or admin) who may see its record. */
  private async checkTarget(task: TaskRow, target: TaskTarget, path: string): Promise<void> {
    if (target.kind === 'role') {
      const app = await this.apps.requirePublished(task.app_key)
      if (!(app.definition.roles ?? []).some((r) => r.key === target.role))
        throw new AppError(
          422,
          'TASK_TARGET_INVALID',
          `App ${task.app_key} has no role ${target.role}`,
          `${path}.role`,
        )
      return
    }
    const userPath = path === 'to' ? 'to.userId' : path
    const user = await this.users.get(target.userId).catch(() => undefined)
    if (!user || user.disabled)
      throw new AppError(422, 'TASK_TARGET_INVALID', `No active user ${target.userId}`, userPath)
    const viewer: Viewer = {
      userId: user.id,
      username: user.username,
      isAdmin: user.isAdmin,
      attributes: user.attributes,
      via: 'token',
      scopes: 'all',
    }
    if (!viewer.isAdmin && !(await this.access.roleOf(task.app_key, viewer)))
      throw new AppError(
        422,
        'TASK_TARGET_INVALID',
        `${user.username} is not a member of app ${task.app_key}`,
        userPath,
      )
    const instance = await readInstance(this.db, task.instance_id)
    const view = await this.recordAccess.view(task.app_key, instance.record_form, instance.record_id, viewer)
    if (view.kind === 'hidden')
      throw new AppError(
        422,
        'TASK_TARGET_NO_ACCESS',
        `${user.username} may not see the record of this task`,
        userPath,
      )
  }

  /** One transaction: the task row changes only while open, and the step lands in the instance's history. */
  private async handOver(
    task: TaskRow,
    viewer: Viewer,
    event: 'task_reassigned' | 'task_delegated' | 'task_claimed',
    change: { set: ReturnType<typeof sql>; where?: ReturnType<typeof sql>; detail: Record<string, unknown> },
  ): Promise<void> {
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const updated = await sql`update trellis.flow_tasks set ${change.set}
        where id = ${task.id} and status = 'open' ${change.where ?? sql``}`.execute(trx)
      if (Number(updated.numAffectedRows ?? 0) !== 1) {
        const now = await readTask(trx, task.id)
        if (now?.status === 'open')
          throw new AppError(409, 'TASK_CLAIMED', `Task ${task.id} was taken by someone else meanwhile`)
        throw new AppError(409, 'TASK_CLOSED', `Task ${task.id} was closed meanwhile`)
      }
      const detail = { event: { kind: event, taskId: task.task_key, ...change.detail }, effects: [] }
      await sql`insert into trellis.flow_steps (instance_id, event, actor, at, detail)
        values (${task.instance_id}, ${event}, ${viewer.username}, ${now.toISOString()}::timestamptz,
          ${JSON.stringify(detail)}::jsonb)`.execute(trx)
    })
  }

  /** A task naming one of the app's forms gets its data checked (as a partial record) by the form engine. */
  private async checkTaskForm(
    appKey: string,
    form: string | null,
    data: Record<string, unknown> | undefined,
  ) {
    if (data === undefined || !form) return data
    const app = await this.apps.requirePublished(appKey)
    if (!app.hasForm(form)) return data
    const result = app.form(form).validate(data, { mode: 'update' })
    if (result.ok) return result.value
    const first = result.errors[0]!
    throw new AppError(422, 'TASK_FORM_INVALID', first.message, `form.${first.path}`, {
      errors: result.errors,
    })
  }

  async cancel(instanceId: string, viewer: Viewer, reason?: string) {
    const first = await readInstance(this.db, instanceId)
    if (!viewer.isAdmin && first.started_by !== viewer.username)
      throw new AppError(403, 'FLOW_FORBIDDEN', 'Only an administrator or the starter may cancel an instance')
    const now = this.clock.now()
    await this.retrying(async (attempt) => {
      const row = attempt === 1 ? first : await readInstance(this.db, instanceId)
      const result = await advanceInstance(
        this.db,
        row,
        { kind: 'cancel', at: now.toISOString(), ...(reason ? { reason } : {}), by: viewer.userId },
        viewer.username,
        now,
        this.actions,
      )
      if (result.rejected) throw refused(result.rejected)
    })
    return this.detail(instanceId, viewer)
  }

  /** A task bound to a record the viewer may not see does not exist for them (404, as on the records API). */
  private async requireTaskRecord(task: TaskRow, viewer: Viewer): Promise<void> {
    if (viewer.isAdmin) return
    await this.taskRecordView(task, await readInstance(this.db, task.instance_id), viewer)
  }

  /**
   * The task's record as the viewer may see it (undefined for admins); hidden → 404 TASK_NOT_FOUND.
   * `role`: the viewer's role in the task's app when already read (null: not a member).
   */
  private async taskRecordView(
    task: TaskRow,
    instance: Pick<InstanceRow, 'record_form' | 'record_id'>,
    viewer: Viewer,
    role?: string | null,
  ): Promise<RecordView | undefined> {
    if (viewer.isAdmin) return undefined
    const { app_key: app } = task
    const { record_form: form, record_id: id } = instance
    const view =
      role === undefined
        ? await this.recordAccess.view(app, form, id, viewer)
        : await this.recordAccess.viewAs(app, form, id, viewer, role ?? undefined)
    if (view.kind === 'hidden') throw new AppError(404, 'TASK_NOT_FOUND', `No task ${task.id}`)
    return view
  }

  /**
   * The instance with its tasks and steps (one read). `known` is the record view the caller has just
   * checked for this viewer (a visible record also proves membership), so it is not read again.
   */
  async detail(instanceId: string, viewer: Viewer, known?: RecordView) {
    const found = await readDetail(this.db, instanceId)
    if (!found) throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${instanceId}`)
    const { row, tasks, steps } = found
    if (known?.kind !== 'visible') await this.requireMember(row.app_key, viewer)
    const view = known ?? (await this.recordAccess.view(row.app_key, row.record_form, row.record_id, viewer))
    if (view.kind === 'hidden')
      throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${instanceId}`)
    return instanceJson(presented(row, view), tasks, steps)
  }

  async list(
    appKey: string,
    filter: { flow?: string; status?: string; form?: string; recordId?: string; limit?: number },
    viewer: Viewer,
  ) {
    await this.requireMember(appKey, viewer)
    const { rows } = await sql<InstanceRow>`select * from trellis.flow_instances where app_key = ${appKey}
      ${filter.flow ? sql`and flow_key = ${filter.flow}` : sql``}
      ${filter.status ? sql`and status = ${filter.status}` : sql``}
      ${filter.form ? sql`and record_form = ${filter.form}` : sql``}
      ${filter.recordId ? sql`and record_id = ${filter.recordId}` : sql``}
      order by id desc limit ${filter.limit ?? 100}`.execute(this.db)
    const views = new Map<string, Promise<RecordView>>()
    const listed = []
    for (const row of rows.map(normalizeInstance)) {
      if (!viewer.isAdmin && row.record_id) {
        const key = `${row.record_form}:${row.record_id}`
        if (!views.has(key))
          views.set(key, this.recordAccess.view(appKey, row.record_form, row.record_id, viewer))
        if ((await views.get(key)!).kind === 'hidden') continue
      }
      listed.push(instanceJson(row))
    }
    return listed
  }

  /**
   * My open tasks; a task bound to a record comes with the record as I may see it (hidden fields
   * removed, masked fields masked), and is left out when the record is outside my row scope.
   */
  async inbox(viewer: Viewer, app?: string) {
    const tasks = []
    for (const task of await inbox(this.db, viewer, app)) {
      const view = await this.recordAccess.view(task.app_key, task.record_form, task.record_id, viewer)
      if (view.kind === 'hidden') continue
      const json = taskJson(task)
      tasks.push(
        view.kind === 'visible' && json.record
          ? { ...json, record: { ...json.record, values: view.values } }
          : json,
      )
    }
    return tasks
  }

  /**
   * Fires every pending timer due at `now`, in batches of up to `TIMER_BATCH`, one transaction each: the
   * rows are claimed with `FOR UPDATE SKIP LOCKED` (so several workers share the work) together with
   * their instances, and each instance is advanced with `timer_fired` at the timer's due moment (a late
   * firing never shifts later deadlines). The instances whose step runs no service action are written
   * together by one statement that also marks their rows fired (each guarded by the version read); the
   * others go one by one, with their actions. A row is marked `refused` when the engine no longer waits
   * for it. A timer whose instance moved meanwhile (another event, or a second timer of it in the same
   * batch) writes nothing, stays pending and is picked up again.
   */
  async runDueTimers(
    now: Date = this.clock.now(),
    limit = 1000,
  ): Promise<{ fired: number; refused: number }> {
    let fired = 0
    let refusedCount = 0
    let stale = 0
    while (fired + refusedCount < limit && stale < ATTEMPTS) {
      const batch = Math.min(TIMER_BATCH, limit - fired - refusedCount)
      const outcome = await this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<DueTimer>`
          select t.id as timer_id, t.timer_key, t.due_at, ${instanceColumns('i')}
          from trellis.flow_timers t join trellis.flow_instances i on i.id = t.instance_id
          where t.state = 'pending' and t.due_at <= ${now.toISOString()}::timestamptz
          order by t.due_at, t.id limit ${batch} for update of t skip locked`.execute(trx)
        const counts = { claimed: rows.length, fired: 0, refused: 0, stale: 0 }
        const together: InstanceWrite[] = []
        const refusedIds: string[] = []
        const seen = new Set<string>()
        for (const { timer_id, timer_key, due_at, ...stored } of rows) {
          const row = await instanceFrom(trx, stored)
          // One write per instance and statement: a second timer of it waits for the next batch.
          if (seen.has(row.id)) {
            counts.stale++
            continue
          }
          seen.add(row.id)
          const event: FlowEvent = {
            kind: 'timer_fired',
            at: new Date(due_at).toISOString(),
            timerId: timer_key,
          }
          const firedTimer = { id: String(timer_id), key: timer_key }
          const result = advance(row.definition, row.state, event)
          if (result.rejected) refusedIds.push(String(timer_id))
          else if (!result.effects.some((e) => e.kind === 'run_action')) {
            const steps = [{ event, actor: null, effects: result.effects }]
            together.push({
              row,
              steps,
              state: result.state,
              actionStates: new Map(),
              extras: { firedTimer },
            })
          } else {
            try {
              await advanceInstance(trx, row, event, null, now, this.actions, { firedTimer })
              counts.fired++
            } catch (error) {
              if (!(error instanceof StaleInstanceError)) throw error
              counts.stale++
            }
          }
        }
        const { written } = await writeInstances(trx, together, now)
        counts.fired += written.size
        counts.stale += together.length - written.size
        if (refusedIds.length) {
          await sql`update trellis.flow_timers set state = 'refused', fired_at = ${now.toISOString()}::timestamptz
            where id = any(${refusedIds}::bigint[])`.execute(trx)
          counts.refused += refusedIds.length
        }
        return counts
      })
      fired += outcome.fired
      refusedCount += outcome.refused
      if (outcome.claimed === 0) break
      if (outcome.fired + outcome.refused === 0) stale++
    }
    return { fired, refused: refusedCount }
  }

  /**
   * Polls for due timers every `intervalMs` (started by the server, never by tests). A quarter second
   * keeps a due timer's lateness well under a second; an idle poll is one indexed read.
   */
  startTimerLoop(onError: (error: unknown) => void, intervalMs = 250): void {
    if (this.timer) return
    let running = false
    this.timer = setInterval(() => {
      if (running) return
      running = true
      this.runDueTimers()
        .catch(onError)
        .finally(() => {
          running = false
        })
    }, intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

/**
 * Each member's role in each app, as `AccessService.roleOf` reads one (undefined: not a member), for
 * several look-ups in one statement, in the order asked.
 */
async function rolesOf(
  db: DynamicDb,
  asked: ReadonlyArray<{ app: string; viewer: Viewer }>,
): Promise<Array<string | undefined>> {
  const { rows } = await sql<{ n: string; role: string | null }>`select q.n::text as n, m.role
    from unnest(${asked.map((a) => a.app)}::text[], ${asked.map((a) => a.viewer.userId)}::bigint[])
      with ordinality as q(app_key, user_id, n)
    left join trellis.app_members m on m.app_key = q.app_key and m.user_id = q.user_id`.execute(db)
  const found = new Map(rows.map((r) => [Number(r.n) - 1, r.role ?? undefined]))
  return asked.map((_, i) => found.get(i))
}

/** The instance after an event moved it to `state` at `now` (one version further). */
function advanced(row: InstanceRow, state: FlowState, now: Date): ShownInstance {
  const { definition: _definition, ...rest } = row
  return { ...rest, state, status: state.status, version: row.version + 1, updated_at: now }
}

/** The detail view of an instance from its write (tasks and steps read back by the same statement). */
function shown(row: ShownInstance, written: WrittenDetail, view: RecordView | undefined) {
  return instanceJson(presented(row, view ?? { kind: 'none' }), written.tasks, written.steps)
}

/** The instance with its record data (the start snapshot, task form data) as the viewer may see it. */
function presented<T extends Pick<InstanceRow, 'state'>>(row: T, view: RecordView): T {
  if (view.kind !== 'visible' || !row.state) return row
  const data = row.state.data
  const tasks = Object.fromEntries(
    Object.entries(data.tasks).map(([node, t]) => [node, t.form ? { ...t, form: view.present(t.form) } : t]),
  )
  return { ...row, state: { ...row.state, data: { ...data, record: view.present(data.record), tasks } } }
}
