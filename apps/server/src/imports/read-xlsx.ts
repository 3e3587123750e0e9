import type { CsvRow } from '@trellis/import-engine'
import ExcelJS from 'exceljs'
import type { Readable } from 'node:stream'

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * One Excel cell as the text a CSV export of it would hold, so both formats go through the same
 * coercion: dates as `2026-01-05` or `2026-01-05 13:00:00` (Excel stores wall-clock time; exceljs hands
 * it over as a UTC Date), formulas as their cached result, rich text and hyperlinks as their text.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`
    const h = value.getUTCHours()
    const m = value.getUTCMinutes()
    const s = value.getUTCSeconds()
    return h || m || s ? `${date} ${pad(h)}:${pad(m)}:${pad(s)}` : date
  }
  if (typeof value === 'object') {
    const cell = value as {
      richText?: Array<{ text: string }>
      result?: unknown
      text?: unknown
      error?: string
    }
    if (cell.richText) return cell.richText.map((r) => r.text).join('')
    if ('result' in cell) return cellText(cell.result)
    if (cell.text !== undefined) return cellText(cell.text)
    if (cell.error) return ''
    return ''
  }
  return String(value)
}

/** Whether a stored upload is an XLSX workbook (a ZIP archive: `PK\x03\x04`). */
export function isXlsx(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
}

/**
 * The rows of the first worksheet, streamed with exceljs' streaming reader (shared strings cached, the
 * sheet itself never held whole). `line` is the row number in the sheet; empty rows Excel skips are
 * simply absent.
 */
export async function* readXlsxRows(stream: Readable): AsyncGenerator<CsvRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  })
  for await (const sheet of workbook) {
    for await (const row of sheet) {
      const values = (row.values as unknown[]) ?? []
      const cells: string[] = []
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]))
      yield { cells, line: row.number }
    }
    return // the first worksheet only
  }
}
