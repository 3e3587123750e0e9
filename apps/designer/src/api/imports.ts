import { ApiError, request, type ErrorBody } from './client'

export interface CellError {
  field: string
  column: number
  code: string
  message: string
}

export interface PreviewRow {
  line: number
  values: Record<string, unknown>
  errors: CellError[]
}

/** What the upload found (`POST …/imports`, docs/import-export.md). */
export interface Upload {
  id: string
  name: string
  size: number
  format: 'csv' | 'xlsx'
  encoding: string
  delimiter: string
  hasHeader: boolean
  headers: string[]
  /** column index → field key, matched by key, label (either language) or a known synonym. */
  mapping: Record<string, string>
  preview: PreviewRow[]
}

export interface Rejection {
  line: number
  code: string
  reason: string
  field?: string
  column?: string
}

export interface ImportResult {
  dryRun: boolean
  rows: number
  inserted: number
  updated: number
  unchanged: number
  merged: number
  rejected: number
  blank: number
  rejections: Rejection[]
}

export type Policy = 'keep' | 'overwrite' | 'fill_empty'

export interface RunOptions {
  mapping: Record<string, string>
  keys?: string[]
  defaultPolicy?: Policy
  dryRun?: boolean
}

const formUrl = (app: string, form: string) =>
  `/api/apps/${encodeURIComponent(app)}/forms/${encodeURIComponent(form)}`

/** The session's CSRF token: multipart uploads cannot go through `request`, which adds it itself. */
async function csrfToken(): Promise<string | undefined> {
  return (await request<{ csrfToken?: string }>('GET', '/api/auth/me')).csrfToken
}

export const importsApi = {
  async upload(app: string, form: string, file: File): Promise<Upload> {
    const body = new FormData()
    body.append('file', file, file.name)
    const token = await csrfToken()
    const response = await fetch(`${formUrl(app, form)}/imports`, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
    })
    const parsed = (await response.json().catch(() => undefined)) as unknown
    if (!response.ok)
      throw new ApiError(
        response.status,
        parsed && typeof parsed === 'object' && 'code' in parsed
          ? (parsed as ErrorBody)
          : { code: 'HTTP_ERROR', message: `upload: ${response.status}` },
      )
    return parsed as Upload
  },
  run: (app: string, form: string, id: string, options: RunOptions) =>
    request<ImportResult>('POST', `${formUrl(app, form)}/imports/${id}/run`, options),
  progressUrl: (app: string, form: string, id: string) => `${formUrl(app, form)}/imports/${id}/progress`,
  rejectedUrl: (app: string, form: string, id: string) => `${formUrl(app, form)}/imports/${id}/rejected.csv`,
  exportUrl: (app: string, form: string, format: 'csv' | 'xlsx', filter?: unknown, locale?: string) => {
    const search = new URLSearchParams()
    if (filter !== undefined) search.set('filter', JSON.stringify(filter))
    if (locale) search.set('locale', locale)
    const text = search.toString()
    return `${formUrl(app, form)}/export.${format}${text ? `?${text}` : ''}`
  },
}
