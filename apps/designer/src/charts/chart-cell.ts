import type { ChartType, DrillCell, PivotGrid } from '@trellis/report-engine'

/** What echarts tells about a click: the series, the data index, and the datum (heat maps: `[x, y, v]`). */
export interface ChartPoint {
  seriesIndex: number
  dataIndex: number
  data?: number[]
}

/** A grid cell by its row and column index in `grid.rows` / `grid.columns`. */
export interface GridCellRef {
  row: number
  column: number
}

/** Leaf (non-total) header indexes, as the engine's chart modules lay them out. */
const leaves = (headers: PivotGrid['rows']) => headers.map((h, i) => (h.total ? -1 : i)).filter((i) => i >= 0)

/** The column one-series charts read: the total column when there is one (as the engine's `valueColumn`). */
function valueColumn(grid: PivotGrid): number {
  const total = grid.columns.findIndex((c) => c.level === 0)
  return total >= 0 ? total : 0
}

/**
 * The grid cell behind a clicked point, mirroring how `toChartOption` laid the grid out: cartesian charts
 * put leaf rows on x and one series per leaf column; pie and funnel read the leaf rows of the total column;
 * heat maps carry `[x, y]` over leaf columns and rows. Null for charts with nothing to click.
 */
export function cellOfPoint(type: ChartType, grid: PivotGrid, point: ChartPoint): GridCellRef | null {
  const rows = leaves(grid.rows)
  switch (type) {
    case 'bar':
    case 'stacked_bar':
    case 'line':
    case 'area': {
      const columns = grid.columnDimensions.length ? leaves(grid.columns) : [valueColumn(grid)]
      const row = rows[point.dataIndex]
      const column = columns[point.seriesIndex]
      return row === undefined || column === undefined ? null : { row, column }
    }
    case 'pie':
    case 'funnel': {
      const row = rows[point.dataIndex]
      return row === undefined ? null : { row, column: valueColumn(grid) }
    }
    case 'heatmap': {
      const [x, y] = point.data ?? []
      const row = y === undefined ? undefined : rows[y]
      const column = x === undefined ? undefined : leaves(grid.columns)[x]
      return row === undefined || column === undefined ? null : { row, column }
    }
    default:
      return null
  }
}

/** The drill-down request for a grid cell: its row and column header values (fewer for totals). */
export function drillCellOf(grid: PivotGrid, ref: GridCellRef): DrillCell {
  return {
    rows: grid.rows[ref.row]?.cells ?? [],
    columns: grid.columns[ref.column]?.cells ?? [],
    ...(Object.keys(grid.topValues ?? {}).length ? { topValues: grid.topValues } : {}),
  }
}
