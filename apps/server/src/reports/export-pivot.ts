import { csvLine } from '@trellis/import-engine'
import type { PivotTable } from '@trellis/report-engine'
import ExcelJS from 'exceljs'

export type ExportFormat = 'csv' | 'xlsx'

export const exportTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/**
 * A pivot table as CSV: UTF-8 with a BOM (Excel needs it to read UTF-8), CRLF lines, every text cell
 * neutralized against formula injection (a customer named `=HYPERLINK(…)` stays text).
 */
export function pivotCsv(table: PivotTable): string {
  return '\uFEFF' + table.lines.map((line) => csvLine(line)).join('')
}

/**
 * A pivot table as one XLSX sheet: numbers as numbers, empty cells blank, headers and (sub)totals bold,
 * headers frozen.
 * Text is written as string cells, which spreadsheets never evaluate, so no neutralizing is needed.
 */
export async function pivotXlsx(table: PivotTable, sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.created = new Date(0)
  const sheet = workbook.addWorksheet(safeSheetName(sheetName), {
    views: [{ state: 'frozen', xSplit: table.headerColumns, ySplit: table.headerRows }],
  })
  const totals = new Set(table.totalLines)
  table.lines.forEach((line, i) => {
    const row = sheet.addRow(line.map((v) => (v === null || v === '' ? null : v)))
    if (i < table.headerRows || totals.has(i)) row.font = { bold: true }
  })
  for (let c = 1; c <= table.headerColumns; c++) sheet.getColumn(c).width = 18
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** Excel refuses sheet names over 31 characters or with `: \ / ? * [ ]`. */
function safeSheetName(name: string): string {
  const clean = name.replace(/[:\\/?*[\]]/g, ' ').trim()
  return (clean || 'Pivot').slice(0, 31)
}

/** `filename*=` for a download name in any script (RFC 5987), ASCII fallback first. */
export function attachment(name: string, format: ExportFormat): string {
  const file = `${name}.${format}`
  return `attachment; filename="report.${format}"; filename*=UTF-8''${encodeURIComponent(file)}`
}
