import ExcelJS from 'exceljs'
import type { FieldDef } from '@trellis/form-engine'
import type { Readable } from 'node:stream'
import { PassThrough } from 'node:stream'
import type { CompiledForm } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { RecordJson } from '../records/record-json.js'
import {
  cellValue,
  exportedFields,
  exportHeaders,
  exportPages,
  type ExportOptions,
  type PageReader,
} from './export-csv.js'

const numeric = new Set(['number', 'decimal', 'currency', 'percent'])
/** A string cell Excel would re-read as a formula once someone edits it. */
const formulaLike = /^[=+\-@\t\r\n]/
const textFormat = { numFmt: '@' }
const dateFormat = { numFmt: 'yyyy-mm-dd' }

/** One exported value as a typed XLSX cell: numbers as numbers, dates as dates, masked values as text. */
function xlsxValue(field: FieldDef, value: unknown): ExcelJS.CellValue {
  const plain = cellValue(value)
  if (plain === null || plain === undefined || plain === '') return null
  if (numeric.has(field.type) && (typeof plain === 'number' || /^-?\d+(\.\d+)?$/.test(String(plain)))) {
    return Number(plain)
  }
  if (field.type === 'boolean' && typeof plain === 'boolean') return plain
  if (field.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(String(plain))) {
    return new Date(`${String(plain)}T00:00:00Z`)
  }
  return typeof plain === 'object' ? JSON.stringify(plain) : String(plain)
}

/**
 * A form's records as an XLSX workbook, written by exceljs' streaming writer (rows are committed as
 * they come, so memory is bounded by one page), with the same columns, filter and access as the CSV
 * export. Values keep their types. Strings are written as text, never as formulas; the ones starting
 * like a formula (`= + - @`, tab, CR, LF) also get the Text number format, so editing the cell in Excel
 * keeps it text instead of running it (OWASP CSV injection, without changing the value).
 */
export async function exportXlsx(
  form: CompiledForm,
  access: FormAccess,
  read: PageReader,
  options: ExportOptions,
): Promise<Readable> {
  const fields = exportedFields(form, access)
  const pages = exportPages(read, options)
  // The first page is read before the download starts, so a bad filter is an error, not a broken file.
  const first = await pages.next()
  const out = new PassThrough()
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  })
  const sheet = book.addWorksheet(form.schema.label[options.locale] ?? form.schema.key)
  const write = async () => {
    sheet.addRow(exportHeaders(form, access, options.locale)).commit()
    const addRecords = (records: RecordJson[]) => {
      for (const record of records) {
        const row = sheet.addRow([record.id, ...fields.map((f) => xlsxValue(f, record[f.key]))])
        row.eachCell((cell) => {
          if (typeof cell.value === 'string' && formulaLike.test(cell.value)) cell.style = textFormat
          else if (cell.value instanceof Date) cell.style = dateFormat
        })
        row.commit()
      }
    }
    if (!first.done) addRecords(first.value)
    for await (const records of pages) addRecords(records)
    sheet.commit()
    await book.commit()
  }
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))))
  return out
}
