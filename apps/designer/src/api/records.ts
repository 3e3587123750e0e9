import { ApiError, getCsrfToken, request } from './client'

/** A record as the API shows it: field keys to JSON values, `id` and relation ids as strings. */
export type RecordJson = Record<string, unknown> & {
  id: string
  version: number
  expand?: Record<string, RecordJson | null>
}

export interface ListPage {
  records: RecordJson[]
  nextCursor: string | null
  count?: number
}

export interface ListQuery {
  filter?: unknown
  sort?: string
  limit?: number
  cursor?: string | null
  expand?: string[]
  count?: boolean
}

export interface RelatedSection extends ListPage {
  form: string
  via: string
  sort: string
}

export interface TimelineMessage {
  id: string
  rule: string
  channel: string
  recipient: string
  subject: string | null
  body: string
  status: string
  at: string
}
export interface TimelineFlow {
  id: string
  flow: string
  status: string
  startedBy: string | null
  at: string
  updatedAt: string
}
export interface TimelineAudit {
  id: string
  at: string
  actor: string | null
  action: string
  changed: string[]
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}
export interface TimelineConsent {
  id: string
  channel: string
  granted: boolean
  source: string
  at: string
  actor: string | null
}

/** `GET …/records/:id/timeline`: one record and everything about it (see apps/server/src/routes/record-timeline.ts). */
export interface Timeline {
  record: RecordJson
  related: RelatedSection[]
  messages: TimelineMessage[]
  flows: TimelineFlow[]
  audit: TimelineAudit[]
  consents: TimelineConsent[]
}

/** A saved table view: the table's state, private or shared with one role. */
export interface SavedView<Spec = Record<string, unknown>> {
  id: string
  name: string
  owner: string
  mine: boolean
  sharedRole: string | null
  spec: Spec
  version: number
  updatedAt: string
}

export interface UploadedFile {
  id: string
  name: string
  size: number
  type: string
}

const enc = encodeURIComponent
const formUrl = (app: string, form: string) => `/api/apps/${enc(app)}/forms/${enc(form)}`
const recordsUrl = (app: string, form: string) => `${formUrl(app, form)}/records`

export const recordsApi = {
  /** A page of records; the options go in the body, so a long filter never hits a URL limit. */
  list: (app: string, form: string, query: ListQuery) => {
    const body: Record<string, unknown> = { limit: query.limit ?? 100 }
    if (query.filter !== undefined) body.filter = query.filter
    if (query.sort) body.sort = query.sort
    if (query.cursor) body.cursor = query.cursor
    if (query.expand?.length) body.expand = query.expand
    if (query.count) body.count = true
    return request<ListPage>('POST', `${recordsUrl(app, form)}/query`, body)
  },
  get: (app: string, form: string, id: string, expand: string[] = []) =>
    request<RecordJson>(
      'GET',
      `${recordsUrl(app, form)}/${enc(id)}${expand.length ? `?expand=${expand.map(enc).join(',')}` : ''}`,
    ),
  create: (app: string, form: string, values: Record<string, unknown>) =>
    request<RecordJson>('POST', recordsUrl(app, form), { values }),
  update: (app: string, form: string, id: string, version: number, values: Record<string, unknown>) =>
    request<RecordJson>('PATCH', `${recordsUrl(app, form)}/${enc(id)}`, { version, values }),
  bulkUpdate: (app: string, form: string, records: Array<{ id: string; version: number; values: object }>) =>
    request<{ records: RecordJson[] }>('PATCH', `${recordsUrl(app, form)}/bulk`, { records }),
  remove: (app: string, form: string, id: string, version: number) =>
    request<RecordJson>('DELETE', `${recordsUrl(app, form)}/${enc(id)}?version=${version}`),
  related: (
    app: string,
    form: string,
    id: string,
    child: string,
    via: string,
    sort: string,
    cursor: string,
  ) =>
    request<ListPage>(
      'GET',
      `${recordsUrl(app, form)}/${enc(id)}/related/${enc(child)}/${enc(via)}?sort=${enc(sort)}&limit=20&cursor=${enc(cursor)}`,
    ),
  timeline: (app: string, form: string, id: string) =>
    request<Timeline>('GET', `${recordsUrl(app, form)}/${enc(id)}/timeline?limit=20`),
  views: (app: string, form: string) =>
    request<{ views: SavedView[] }>('GET', `${formUrl(app, form)}/views`).then((r) => r.views),
  saveView: (app: string, form: string, view: { name: string; spec: object; sharedRole: string | null }) =>
    request<SavedView>('POST', `${formUrl(app, form)}/views`, view),
  deleteView: (app: string, form: string, id: string) =>
    request<void>('DELETE', `${formUrl(app, form)}/views/${enc(id)}`),
}

/** `POST /api/files` (multipart): the JSON client cannot send files, so this one request is done by hand. */
export async function uploadFile(file: File): Promise<UploadedFile> {
  const csrfToken = getCsrfToken()
  const body = new FormData()
  body.append('file', file, file.name)
  const headers: Record<string, string> = { accept: 'application/json' }
  if (csrfToken) headers['x-csrf-token'] = csrfToken
  const response = await fetch('/api/files', { method: 'POST', body, headers, credentials: 'same-origin' })
  const parsed = (await response.json()) as UploadedFile | { code: string; message: string }
  if (!response.ok) throw new ApiError(response.status, parsed as { code: string; message: string })
  return parsed as UploadedFile
}
