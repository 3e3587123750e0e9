import { csvLine } from '@trellis/import-engine'
import type { CompiledForm } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { ListOptions } from '../records/record-reader.js'
import { maxPageSize } from '../records/record-reader.js'
import type { RecordJson } from '../records/record-json.js'

/** Reads one page of records as the viewer may see them (row scope, hidden and masked fields applied). */
export type PageReader = (
  options: ListOptions,
) => Promise<{ records: RecordJson[]; nextCursor: string | null }>

function cellValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .map((item) => (item && typeof item === 'object' && 'name' in item ? String(item.name) : String(item)))
      .join(', ')
  }
  return value
}

/**
 * A form's records as CSV, page by page through the records reader (so scope, hidden and masked fields
 * are exactly what the API shows), memory bounded by one page. Starts with a UTF-8 BOM, which Excel
 * needs to read UTF-8; every cell is neutralized against formula injection.
 */
export async function* exportCsv(
  form: CompiledForm,
  access: FormAccess,
  read: PageReader,
  options: { filter?: unknown; locale: 'zh-CN' | 'en' },
): AsyncGenerator<string> {
  const fields = [...form.fields.values()].filter((f) => access.canSeeField(f.key))
  yield '\uFEFF' + csvLine(['id', ...fields.map((f) => f.label[options.locale] ?? f.label['zh-CN'] ?? f.key)])
  let cursor: string | undefined
  do {
    const page = await read({
      limit: maxPageSize,
      ...(options.filter !== undefined ? { filter: options.filter } : {}),
      ...(cursor ? { cursor } : {}),
    })
    let chunk = ''
    for (const record of page.records) {
      chunk += csvLine([record.id, ...fields.map((f) => cellValue(record[f.key]))])
    }
    if (chunk) yield chunk
    cursor = page.nextCursor ?? undefined
  } while (cursor)
}
