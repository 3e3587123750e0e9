import type { RuleIssue } from '@trellis/rule-engine'
import { request } from './client'

/** `GET /api/rules/catalog`: trigger kinds and action types with their JSON Schemas. */
export interface RulesCatalog {
  triggers: Record<string, Record<string, unknown>>
  actions: Record<string, Record<string, unknown>>
}

/** A rule of the published app with its runtime switch and the problems that keep it from running. */
export interface PublishedRule {
  key: string
  enabled: boolean
  rule: Record<string, unknown>
  issues: RuleIssue[]
}

export interface RuleRun {
  id: string
  jobId: string | null
  rule: string
  recordId: string | null
  occurrence: string | null
  attempt: number
  depth: number
  outcome: string
  effects: unknown
  error: unknown
  at: string
}

export interface DryRun {
  matched: number
  records: Array<{
    id: string | null
    actions: Array<{ index: number; type: string; effect: Record<string, unknown> }>
  }>
}

export interface RecordsPage {
  records: Array<Record<string, unknown> & { id: string }>
  nextCursor: string | null
  count?: number
}

const appUrl = (app: string) => `/api/apps/${encodeURIComponent(app)}`
const ruleUrl = (app: string, rule: string) => `${appUrl(app)}/rules/${encodeURIComponent(rule)}`

export const rulesApi = {
  catalog: () => request<RulesCatalog>('GET', '/api/rules/catalog'),
  published: (app: string) => request<{ rules: PublishedRule[] }>('GET', `${appUrl(app)}/rules`),
  setEnabled: (app: string, rule: string, enabled: boolean) =>
    request<{ key: string; enabled: boolean }>('PUT', `${ruleUrl(app, rule)}/enabled`, { enabled }),
  run: (app: string, rule: string, body: { recordId?: string }) =>
    request<{ enqueued: number; records: number }>('POST', `${ruleUrl(app, rule)}/run`, body),
  dryRun: (app: string, rule: string, body: { recordId?: string; limit?: number }) =>
    request<DryRun>('POST', `${ruleUrl(app, rule)}/dry-run`, body),
  runs: (app: string, query: { rule?: string; limit?: number } = {}) => {
    const params = new URLSearchParams()
    if (query.rule) params.set('rule', query.rule)
    params.set('limit', String(query.limit ?? 50))
    return request<{ runs: RuleRun[] }>('GET', `${appUrl(app)}/rule-runs?${params}`)
  },
  /** Records of a published form matching a condition (the records list API with `filter`). */
  records: (app: string, form: string, body: { filter?: unknown; limit?: number; count?: boolean }) =>
    request<RecordsPage>('POST', `${appUrl(app)}/forms/${encodeURIComponent(form)}/records/query`, body),
}
