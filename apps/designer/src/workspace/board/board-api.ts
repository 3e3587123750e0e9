import { request } from '../../api/client'
import type { BoardRecord } from './board-state'

const url = (app: string, form: string) =>
  `/api/apps/${encodeURIComponent(app)}/forms/${encodeURIComponent(form)}/records`

/** At most this many cards per board: a pipeline, not a table (filter in the records view for more). */
export const BOARD_LIMIT = 1000

export const boardApi = {
  async load(app: string, form: string): Promise<BoardRecord[]> {
    const records: BoardRecord[] = []
    let cursor: string | null = null
    do {
      const search: string = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      const page: { records: BoardRecord[]; nextCursor: string | null } = await request(
        'GET',
        `${url(app, form)}?${search}`,
      )
      records.push(...page.records)
      cursor = page.nextCursor
    } while (cursor && records.length < BOARD_LIMIT)
    return records
  },
  move: (app: string, form: string, record: BoardRecord, field: string, to: string) =>
    request<BoardRecord>('PATCH', `${url(app, form)}/${encodeURIComponent(record.id)}`, {
      version: record.version,
      values: { [field]: to },
    }),
}
