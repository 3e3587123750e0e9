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
