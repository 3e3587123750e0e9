import type { InboxTask, Outcome } from '../../api/tasks'

export type DueState = 'overdue' | 'dueSoon' | 'due' | null

/** Overdue past the due time, due soon within a day of it. */
export function dueState(task: Pick<InboxTask, 'dueAt'>, now: Date): DueState {
  if (!task.dueAt) return null
  const left = new Date(task.dueAt).getTime() - now.getTime()
  if (left <= 0) return 'overdue'
  return left <= 86_400_000 ? 'dueSoon' : 'due'
}

/** A task still in a role's queue: any member may claim it; assigned to a user (or unresolved) it is mine. */
export const isQueued = (task: InboxTask) => task.assignee.kind === 'role'

/** Mine first, then my roles' queue; each overdue first, then by due time, then oldest first. */
export function sortInbox(tasks: InboxTask[]): { mine: InboxTask[]; queue: InboxTask[] } {
  const order = (a: InboxTask, b: InboxTask) => {
    const da = a.dueAt ? Date.parse(a.dueAt) : Infinity
    const db = b.dueAt ? Date.parse(b.dueAt) : Infinity
    return da - db || a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id)
  }
  return {
    mine: tasks.filter((t) => !isQueued(t)).sort(order),
    queue: tasks.filter(isQueued).sort(order),
  }
}

export interface InboxState {
  tasks: InboxTask[]
  selected: string | null
  comment: string
  busy: boolean
  error: string | null
  /** What the last completion did, for the status line. */
  done: { name: string; outcome: Outcome } | null
}

export type InboxAction =
  | { type: 'loaded'; tasks: InboxTask[] }
  | { type: 'select'; id: string }
  | { type: 'comment'; text: string }
  | { type: 'busy' }
  | { type: 'failed'; message: string }
  | { type: 'completed'; id: string; outcome: Outcome }

export const emptyInbox: InboxState = {
  tasks: [],
  selected: null,
  comment: '',
  busy: false,
  error: null,
  done: null,
}

/** Reject and return go back to someone who needs to know why: a comment is asked for. */
export const needsComment = (outcome: Outcome) => outcome !== 'approve'

export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case 'loaded': {
      const { mine, queue } = sortInbox(action.tasks)
      const all = [...mine, ...queue]
      const selected = all.some((t) => t.id === state.selected) ? state.selected : (all[0]?.id ?? null)
      return { ...state, tasks: action.tasks, selected, busy: false }
    }
    case 'select':
      return state.selected === action.id
        ? state
        : { ...state, selected: action.id, comment: '', error: null }
    case 'comment':
      return { ...state, comment: action.text }
    case 'busy':
      return { ...state, busy: true, error: null }
    case 'failed':
      return { ...state, busy: false, error: action.message }
    case 'completed': {
      const task = state.tasks.find((t) => t.id === action.id)
      const tasks = state.tasks.filter((t) => t.id !== action.id)
      const { mine, queue } = sortInbox(tasks)
      return {
        tasks,
        selected: [...mine, ...queue][0]?.id ?? null,
        comment: '',
        busy: false,
        error: null,
        done: task ? { name: task.name ?? task.nodeId, outcome: action.outcome } : null,
      }
    }
  }
}
