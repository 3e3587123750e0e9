import type { Api } from './api.js'
import { multipart } from './multipart.js'

/** Uploads a CSV text for import into `form` of the shop app; returns the job id and suggested mapping. */
export async function uploadCsv(api: Api, form: string, text: string, name = 'data.csv') {
  const body = multipart(name, 'text/csv', Buffer.from(text))
  const res = await api.app.inject({
    method: 'POST',
    url: `/api/apps/shop/forms/${form}/imports`,
    payload: body.payload,
    headers: { ...body.headers, ...api.headers },
  })
  return JSON.parse(res.body) as { id: string; mapping: Record<string, string> }
}
