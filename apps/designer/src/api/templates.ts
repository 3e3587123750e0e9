import { request } from './client'

/** A template the server can install (`GET /api/templates`). */
export interface TemplateSummary {
  key: string
  app: string
  name: Record<string, string>
  description: Record<string, string>
}

export interface InstallResult {
  template: string
  app: string
  version: number
  demo: { counts: Record<string, number>; mergedCustomers: number } | null
}

export const templatesApi = {
  list: () => request<TemplateSummary[]>('GET', '/api/templates'),
  install: (key: string, options: { demo: boolean; size?: number }) =>
    request<InstallResult>('POST', `/api/templates/${encodeURIComponent(key)}/install`, options),
}
