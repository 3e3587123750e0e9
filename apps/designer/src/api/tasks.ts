import { request } from './client'

export type Outcome = 'approve' | 'reject' | 'return'

/** An open task as `GET /api/inbox` answers it (apps/server/src/flows/tasks.ts `taskJson`). */
export interface InboxTask {
  id: string
  instanceId: string
  app: string
  nodeId: string
  name: string | null
  assignee: { kind: 'user' | 'role' | 'unresolved'; value: string | null }
  form: string | null
  outcomes: Outcome[]
  returned: { fromNodeId: string; comment?: string } | null
  status: string
  dueAt: string | null
  createdAt: string
  delegatedTo: string | null
  flow: string
  /** The record the instance runs for, with its values as the viewer may see them. */
  record: { form: string | null; id: string; values?: Record<string, unknown> } | null
}

export interface Notification {
  kind: 'task' | 'overdue' | 'escalated'
  taskId: string
  instanceId: string
  app: string
  flow: string | null
  name: string | null
  dueAt: string | null
  at: string
  record: { form: string | null; id: string } | null
}

const q = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value)
  const text = search.toString()
  return text ? `?${text}` : ''
}

export const tasksApi = {
  inbox: (app: string) => request<{ tasks: InboxTask[] }>('GET', `/api/inbox${q({ app })}`),
  claim: (id: string) => request<unknown>('POST', `/api/tasks/${encodeURIComponent(id)}/claim`),
  complete: (id: string, outcome: Outcome, comment?: string) =>
    request<unknown>('POST', `/api/tasks/${encodeURIComponent(id)}/complete`, {
      outcome,
      ...(comment ? { comment } : {}),
    }),
  notifications: (app: string, since?: string) =>
    request<{ items: Notification[]; unread: number; now: string }>(
      'GET',
      `/api/notifications${q({ app, since })}`,
    ),
}
