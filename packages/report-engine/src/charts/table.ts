import { localized } from '../grid/labels.js'
import type { PivotGrid } from '../grid/to-grid.js'
import { leaves, title, type ChartModule } from './chart.js'

// echarts has no table series: tables are an echarts `dataset` (which its components and our renderer read)
// with `trellis.kind` telling the renderer to draw a table.

/** One line per leaf cell: row values, column values, every measure. */
export const tableChart: ChartModule = {
  type: 'table',
  build(grid: PivotGrid, chart) {
    const head = [
      ...grid.rowDimensions.map((d) => localized(d.label, grid.locale)),
      ...grid.columnDimensions.map((d) => localized(d.label, grid.locale)),
      ...grid.measures.map((m) => localized(m.label, grid.locale)),
    ]
    const lines: unknown[][] = []
    for (const ri of leaves(grid.rows))
      for (const ci of grid.columnDimensions.length ? leaves(grid.columns) : [0])
        lines.push([
          ...grid.rows[ri]!.cells.map((c) => c.label),
          ...grid.columns[ci]!.cells.map((c) => c.label),
          ...grid.values[ri]![ci]!,
        ])
    return { ...title(chart), dataset: { source: [head, ...lines] }, trellis: { kind: 'table' } }
  },
}

/** The matrix with its subtotals and totals: one line per row header, one column per (column, measure). */
export const pivotChart: ChartModule = {
  type: 'pivot',
  build(grid: PivotGrid, chart) {
    const many = grid.measures.length > 1
    const head = [
      grid.rowDimensions.map((d) => localized(d.label, grid.locale)).join(' / '),
      ...grid.columns.flatMap((c) =>
        grid.measures.map((m) =>
          [c.label, many ? localized(m.label, grid.locale) : ''].filter(Boolean).join(' · '),
        ),
      ),
    ]
    const lines = grid.rows.map((r, ri) => [r.label, ...grid.values[ri]!.flat()])
    return {
      ...title(chart),
      dataset: { source: [head, ...lines] },
      trellis: {
        kind: 'pivot',
        rowLevels: grid.rows.map((r) => r.level),
        totals: grid.rows.map((r) => r.total),
        columnTotals: grid.columns.flatMap((c) => grid.measures.map(() => c.total)),
      },
    }
  },
}
