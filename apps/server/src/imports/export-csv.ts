import { csvLine } from '@trellis/import-engine'
import type { CompiledForm } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { ListOptions } from '../records/record-reader.js'
import type { RecordJson } from '../records/record-json.js'
import type { SqlCsvExport } from './export-sql.js'

/** Reads one page of records as the viewer may see them (row scope, hidden and masked fields applied). */
export type PageReader = (
  options: ListOptions,
) => Promise<{ records: RecordJson[]; nextCursor: string | null }>

export interface ExportOptions {
  filter?: unknown
  locale: 'zh-CN' | 'en'
}

export function cellValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .map((item) => (item && typeof item === 'object' && 'name' in item ? String(item.name) : String(item)))
      .join(', ')
  }
  return value
}

/** The fields the viewer may see, in form order: the exported columns after `id`. */
export function exportedFields(form: CompiledForm, access: FormAccess) {
  return [...form.fields.values()].filter((f) => access.canSeeField(f.key))
}

export function exportHeaders(form: CompiledForm, access: FormAccess, locale: 'zh-CN' | 'en'): string[] {
  return ['id', ...exportedFields(form, access).map((f) => f.label[locale] ?? f.label['zh-CN'] ?? f.key)]
}

/**
 * Records per page of an export: ten times an API page, because an export's cost was mostly round trips
 * (bench/export); memory stays bounded by two pages.
 */
export const exportPageSize = 5000

/**
 * A form's records page by page through the records reader (so scope, hidden and masked fields are
 * exactly what the API shows), memory bounded by two pages: the next page is fetched while the current
 * one is formatted and sent. Shared by the CSV and XLSX exports.
 */
export async function* exportPages(read: PageReader, options: ExportOptions): AsyncGenerator<RecordJson[]> {
  const page = (cursor: string | undefined) =>
    read({
      limit: exportPageSize,
      ...(options.filter !== undefined ? { filter: options.filter } : {}),
      ...(cursor ? { cursor } : {}),
    })
  let next: ReturnType<PageReader> | undefined = page(undefined)
  while (next) {
    const current: Awaited<ReturnType<PageReader>> = await next
    next = current.nextCursor ? page(current.nextCursor) : undefined
    // If the consumer stops early (the client went away), the prefetched page must not become an
    // unhandled rejection.
    next?.catch(() => {})
    if (current.records.length) yield current.records
  }
}

/**
 * A form's records as CSV. Starts with a UTF-8 BOM, which Excel needs to read UTF-8; every cell is
 * neutralized against formula injection. With `lines` (see export-sql.ts: the viewer sees every exported
 * value as stored) PostgreSQL writes the lines; otherwise they are built from the records reader's pages.
 * Both give the same bytes.
 */
export async function* exportCsv(
  form: CompiledForm,
  access: FormAccess,
  read: PageReader,
  options: ExportOptions,
  lines?: SqlCsvExport,
): AsyncGenerator<string> {
  const fields = exportedFields(form, access)
  yield '\uFEFF' + csvLine(exportHeaders(form, access, options.locale))
  if (lines) {
    yield* lines.pages(options.filter !== undefined ? { filter: options.filter } : {})
    return
  }
  for await (const records of exportPages(read, options)) {
    let chunk = ''
    for (const record of records) {
      chunk += csvLine([record.id, ...fields.map((f) => cellValue(record[f.key]))])
    }
    yield chunk
  }
}
