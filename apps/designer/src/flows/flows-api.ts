import { request } from '../api/client'
import type { DesignedFlow } from './state/flow-doc'
import type { ServerFlowIssue } from './state/issues'

/** The saved draft's flows with the server's own validateFlow issues (paths rooted at the app). */
export const flowsApi = {
  draftIssues: (app: string) =>
    request<{ flows: DesignedFlow[]; issues: ServerFlowIssue[] }>(
      'GET',
      `/api/apps/${encodeURIComponent(app)}/flows?source=draft`,
    ),
}

export interface UserChoice {
  id: string
  username: string
  displayName?: string
}

let users: Promise<UserChoice[]> | undefined

/** The platform's users (admins only), fetched once per page: suggestions for a task's user assignee. */
export function listUsers(): Promise<UserChoice[]> {
  users ??= request<UserChoice[]>('GET', '/api/users').catch(() => {
    users = undefined
    return []
  })
  return users
}
