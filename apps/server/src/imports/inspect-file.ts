import {
  coerceRow,
  detectDelimiter,
  detectEncoding,
  importable,
  isBlankRow,
  looksLikeHeader,
  suggestMapping,
  validateRow,
  type CellError,
  type ColumnMapping,
} from '@trellis/import-engine'
import { open } from 'node:fs/promises'
import type { CompiledForm } from '../apps/published-app.js'
import type { ImportStore } from './import-store.js'
import { jobRows } from './read-rows.js'
import { isXlsx } from './read-xlsx.js'

export interface PreviewRow {
  line: number
  /** The values as they would be stored (for a new record). */
  values: Record<string, unknown>
  errors: CellError[]
}

export interface Inspection {
  format: 'csv' | 'xlsx'
  encoding: 'utf-8' | 'gb18030'
  bom: boolean
  delimiter: string
  hasHeader: boolean
  headers: string[]
  mapping: ColumnMapping
  preview: PreviewRow[]
}

/**
 * Looks at the start of an uploaded file: encoding and delimiter from its first 64 KB, header row, the
 * suggested mapping and the first rows as they would be stored, each with its per-cell errors. Only
 * the first rows are read, whatever the file's size.
 */
export async function inspectFile(
  store: ImportStore,
  id: string,
  form: CompiledForm,
  previewSize = 20,
): Promise<Inspection> {
  const handle = await open(store.file(id))
  const sample = new Uint8Array(64 * 1024)
  const { bytesRead } = await handle.read(sample, 0, sample.length, 0)
  await handle.close()
  const head = sample.subarray(0, bytesRead)
  const format = isXlsx(head) ? 'xlsx' : 'csv'
  const guess = format === 'xlsx' ? { encoding: 'utf-8' as const, bom: false } : detectEncoding(head)
  const delimiter = format === 'xlsx' ? '' : detectDelimiter(new TextDecoder(guess.encoding).decode(head))

  const rows = jobRows(store, { id, format, delimiter })
  let headers: string[] = []
  let hasHeader = false
  let mapping: ColumnMapping = {}
  const preview: PreviewRow[] = []
  let first = true
  for await (const row of rows) {
    if (first && isBlankRow(row.cells)) continue
    if (first) {
      first = false
      hasHeader = looksLikeHeader(row.cells, form.schema)
      headers = hasHeader ? row.cells : row.cells.map((_, i) => `#${i + 1}`)
      // Without a header, columns are offered in the form's field order.
      mapping = hasHeader
        ? suggestMapping(row.cells, form.schema)
        : Object.fromEntries(
            [...form.fields.values()]
              .filter(importable)
              .slice(0, row.cells.length)
              .map((field, i) => [i, field.key] as const),
          )
      if (hasHeader) continue
    }
    if (isBlankRow(row.cells)) continue
    const prepared = validateRow(coerceRow(row.cells, mapping, form.schema), form.validate, 'create', mapping)
    preview.push({ line: row.line, values: prepared.values, errors: prepared.errors })
    if (preview.length >= previewSize) break
  }
  await rows.return(undefined)
  return { format, encoding: guess.encoding, bom: guess.bom, delimiter, hasHeader, headers, mapping, preview }
}
