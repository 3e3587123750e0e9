import { localized, word } from './labels.js'
import type { CellValue, PivotGrid } from './to-grid.js'

/** A pivot grid laid out as a sheet: header rows on top, row labels on the left, one value column per measure. */
export interface PivotTable {
  /** Every line of the sheet, header rows first. */
  lines: CellValue[][]
  /** How many of the first lines are headers (column dimension levels, then measure names). */
  headerRows: number
  /** How many of the first columns are row labels (one per row dimension, at least one). */
  headerColumns: number
  /** Indexes in `lines` of (sub)total lines, to set them apart. */
  totalLines: number[]
}

/**
 * The grid as a spreadsheet would show it, for CSV and XLSX exports: one header row per column dimension
 * (a value is written once above the measures of its column), a row of measure names under row dimension
 * names, then one line per grid row with its labels and values (after `showAs`). Totals and subtotals carry
 * their labels (合计 / Total, … 小计 / Subtotal).
 */
export function toTable(grid: PivotGrid): PivotTable {
  const locale = grid.locale
  const headerColumns = Math.max(1, grid.rowDimensions.length)
  const measures = grid.measures
  const lines: CellValue[][] = []

  grid.columnDimensions.forEach((dimension, k) => {
    const line: CellValue[] = Array.from({ length: headerColumns }, () => '')
    line[headerColumns - 1] = localized(dimension.label, locale)
    for (const column of grid.columns) {
      const text =
        column.level > k
          ? column.cells[k]!.label
          : column.level === k && column.total
            ? column.level === 0
              ? word('total', locale)
              : word('subtotal', locale)
            : ''
      measures.forEach((_, m) => line.push(m === 0 ? text : ''))
    }
    lines.push(line)
  })

  const names: CellValue[] = Array.from({ length: headerColumns }, (_, i) =>
    grid.rowDimensions[i] ? localized(grid.rowDimensions[i]!.label, locale) : '',
  )
  for (let c = 0; c < grid.columns.length; c++) {
    for (const measure of measures) names.push(localized(measure.label, locale, measure.key))
  }
  lines.push(names)
  const headerRows = lines.length

  const totalLines: number[] = []
  grid.rows.forEach((row, r) => {
    const line: CellValue[] = Array.from({ length: headerColumns }, (_, i) =>
      i < row.level ? row.cells[i]!.label : '',
    )
    // Without row dimensions the one line is the grand total.
    if (row.total || grid.rowDimensions.length === 0) {
      line[Math.min(row.level, headerColumns - 1)] = row.label
      totalLines.push(lines.length)
    }
    grid.columns.forEach((_, c) => {
      for (let m = 0; m < measures.length; m++) line.push(grid.values[r]?.[c]?.[m] ?? null)
    })
    lines.push(line)
  })
  return { lines, headerRows, headerColumns, totalLines }
}
