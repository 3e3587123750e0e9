import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { WriteBatcher } from '../records/write-batcher.js'
import type { Viewer } from '../auth/viewer.js'
import { instanceColumns, instanceFrom, type InstanceRow, type StoredInstance } from './instance-store.js'

export interface TaskRow {
  id: string
  instance_id: string
  task_key: string
  node_id: string
  name: string | null
  app_key: string
  assignee_kind: 'user' | 'role' | 'unresolved'
  assignee: string | null
  form: string | null
  outcomes: string[]
  returned: unknown
  status: 'open' | 'completed' | 'cancelled'
  due_at: Date | null
  outcome: string | null
  comment: string | null
  completed_by: string | null
  cancel_reason: string | null
  /** A user id: the delegate acts on the task while the assignee keeps it (migration 0010). */
  delegated_to: string | null
  delegated_by: string | null
  created_at: Date
  closed_at: Date | null
}

export interface InboxTask extends TaskRow {
  flow_key: string
  record_form: string | null
  record_id: string | null
}

/**
 * Whether the task is the viewer's: assigned to them by user id (directly or through a record field,
 * which the engine resolved to a user id), to their role in the task's app, or — for tasks whose
 * assignee could not be resolved — to any platform admin (the admin queue).
 */
function assigned(viewer: Viewer) {
  return sql`(
    (t.assignee_kind = 'user' and t.assignee = ${viewer.userId})
    or (t.assignee_kind = 'role' and exists (select 1 from trellis.app_members m
      where m.app_key = t.app_key and m.user_id = ${viewer.userId}::bigint and m.role = t.assignee))
    or (t.assignee_kind = 'unresolved' and ${viewer.isAdmin}::boolean))`
}

/** Assigned to the viewer, or delegated to them. */
function mine(viewer: Viewer) {
  return sql`(${assigned(viewer)} or t.delegated_to = ${viewer.userId})`
}

const normalize = <T extends TaskRow>(row: T): T => ({
  ...row,
  id: String(row.id),
  instance_id: String(row.instance_id),
})

export async function inbox(db: DynamicDb, viewer: Viewer, app?: string): Promise<InboxTask[]> {
  const { rows } = await sql<InboxTask>`select t.*, i.flow_key, i.record_form, i.record_id
    from trellis.flow_tasks t join trellis.flow_instances i on i.id = t.instance_id
    where t.status = 'open' and ${mine(viewer)} ${app ? sql`and t.app_key = ${app}` : sql``}
    order by t.due_at nulls last, t.id`.execute(db)
  return rows.map(normalize)
}

export async function readTask(db: DynamicDb, id: string, lock = false): Promise<TaskRow | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined
  const { rows } = await sql<TaskRow>`select * from trellis.flow_tasks where id = ${id}
    ${lock ? sql`for update` : sql``}`.execute(db)
  return rows[0] && normalize(rows[0])
}

/**
 * A task with its instance, whether it is the viewer's (assigned or delegated) and the viewer's role in
 * the task's app (null: not a member), in one read: what completing it needs before the engine runs.
 */
export async function readTaskWithInstance(
  db: DynamicDb,
  id: string,
  viewer: Viewer,
): Promise<TaskWithInstance | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined
  const found = db.isTransaction
    ? (await readTasks(db, [{ id, viewer }]))[0]
    : await taskReads(db, id, viewer)
  if (!found) return undefined
  const { task, role, ...stored } = found
  const instance = await instanceFrom(db, stored)
  return { task, instance, mine: isMine(task, viewer, role ?? null), role: role ?? null }
}

export interface TaskWithInstance {
  task: TaskRow
  instance: InstanceRow
  mine: boolean
  role: string | null
}

type TaskRead = StoredInstance & { task: TaskRow; role: string | null }

/** Task reads made together, per database handle (see `taskReads`). */
const readers = new WeakMap<DynamicDb, WriteBatcher<{ id: string; viewer: Viewer }, TaskRead | undefined>>()

/**
 * Reads made while another is in flight wait and go together as one statement (each with its own
 * viewer's role), so concurrent completions share a round trip; a lone read goes at once.
 */
function taskReads(db: DynamicDb, id: string, viewer: Viewer): Promise<TaskRead | undefined> {
  let batcher = readers.get(db)
  if (!batcher) {
    batcher = new WriteBatcher(1, 64)
    readers.set(db, batcher)
  }
  return batcher.submit(
    'tasks',
    { id, viewer },
    (items) => readTasks(db, items),
    async (item) => (await readTasks(db, [item]))[0],
  )
}

/** Tasks with their instance and each viewer's role in the task's app, in the order asked. */
async function readTasks(
  db: DynamicDb,
  items: ReadonlyArray<{ id: string; viewer: Viewer }>,
): Promise<Array<TaskRead | undefined>> {
  // Each task by its key (`offset 0` keeps the lateral a per-id index probe: joined as a set, a table
  // whose statistics lag behind its growth was scanned whole for every batch), as json text (cheaper for
  // PostgreSQL to build than jsonb), ids as text.
  const { rows } = await sql<TaskRead & { n: string }>`select q.n::text as n, row_to_json(t) as task,
      (select m.role from trellis.app_members m where m.app_key = t.app_key
        and m.user_id = q.user_id) as role, ${instanceColumns('i')}
    from unnest(${items.map((i) => i.id)}::bigint[], ${items.map((i) => i.viewer.userId)}::bigint[])
      with ordinality as q(task_id, user_id, n)
    cross join lateral (select t.id::text as id, t.instance_id::text as instance_id, t.task_key, t.node_id,
        t.name, t.app_key, t.assignee_kind, t.assignee, t.form, t.outcomes, t.returned, t.status, t.due_at,
        t.outcome, t.comment, t.completed_by, t.cancel_reason, t.created_at, t.closed_at, t.delegated_to,
        t.delegated_by
      from trellis.flow_tasks t where t.id = q.task_id offset 0) t
    join trellis.flow_instances i on i.id = t.instance_id::bigint`.execute(db)
  const found = new Map(rows.map(({ n, ...row }) => [Number(n) - 1, row]))
  return items.map((_, i) => found.get(i))
}

/** `mine` worked out from the task row and the viewer's role in its app (one membership per app). */
function isMine(task: TaskRow, viewer: Viewer, role: string | null): boolean {
  if (task.delegated_to === viewer.userId) return true
  switch (task.assignee_kind) {
    case 'user':
      return task.assignee === viewer.userId
    case 'role':
      return role !== null && role === task.assignee
    case 'unresolved':
      return viewer.isAdmin
  }
  return false
}

export async function isAssignee(db: DynamicDb, taskId: string, viewer: Viewer): Promise<boolean> {
  const { rows } =
    await sql`select 1 from trellis.flow_tasks t where t.id = ${taskId} and ${mine(viewer)}`.execute(db)
  return rows.length > 0
}

/** The assignee proper (not a delegate): who may reassign or delegate the task. */
export async function isOwner(db: DynamicDb, taskId: string, viewer: Viewer): Promise<boolean> {
  const { rows } =
    await sql`select 1 from trellis.flow_tasks t where t.id = ${taskId} and ${assigned(viewer)}`.execute(db)
  return rows.length > 0
}

export async function tasksOf(db: DynamicDb, instanceId: string): Promise<TaskRow[]> {
  const { rows } = await sql<TaskRow>`select * from trellis.flow_tasks where instance_id = ${instanceId}
    order by id`.execute(db)
  return rows.map(normalize)
}

export function taskJson(task: TaskRow | InboxTask) {
  return {
    id: task.id,
    instanceId: task.instance_id,
    app: task.app_key,
    nodeId: task.node_id,
    name: task.name,
    assignee: { kind: task.assignee_kind, value: task.assignee },
    form: task.form,
    outcomes: task.outcomes,
    returned: task.returned ?? null,
    status: task.status,
    dueAt: task.due_at ? new Date(task.due_at).toISOString() : null,
    outcome: task.outcome,
    comment: task.comment,
    completedBy: task.completed_by,
    cancelReason: task.cancel_reason,
    delegatedTo: task.delegated_to ?? null,
    delegatedBy: task.delegated_by ?? null,
    createdAt: new Date(task.created_at).toISOString(),
    closedAt: task.closed_at ? new Date(task.closed_at).toISOString() : null,
    ...('flow_key' in task
      ? {
          flow: task.flow_key,
          record: task.record_id ? { form: task.record_form, id: task.record_id } : null,
        }
      : {}),
  }
}
