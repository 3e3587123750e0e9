import type { AppDefinition, MigrationStep } from '@trellis/form-engine'
import { request } from './client'

export interface AppSummary {
  key: string
  name: Record<string, string>
  publishedVersion: number | null
  createdAt: string
  updatedAt: string
}

/** An issue as `PUT /draft` answers it: the route's schema keeps code, message and path (not params). */
export interface ServerIssue {
  code: string
  message: string
  path: string
}

const appUrl = (key: string) => `/api/apps/${encodeURIComponent(key)}`

export const appsApi = {
  list: () => request<AppSummary[]>('GET', '/api/apps'),
  create: (definition: AppDefinition) => request<AppSummary>('POST', '/api/apps', definition),
  summary: (key: string) => request<AppSummary>('GET', appUrl(key)),
  draft: (key: string) => request<AppDefinition>('GET', `${appUrl(key)}/draft`),
  saveDraft: (key: string, definition: AppDefinition) =>
    request<{ issues: ServerIssue[] }>('PUT', `${appUrl(key)}/draft`, definition),
  plan: (key: string) => request<{ steps: MigrationStep[] }>('GET', `${appUrl(key)}/plan`),
  publish: (key: string, confirm: string[]) =>
    request<{ version: number; steps: MigrationStep[] }>('POST', `${appUrl(key)}/publish`, { confirm }),
}
