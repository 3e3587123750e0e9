import type { PivotGrid } from '../grid/to-grid.js'

export type ChartType =
  'table' | 'pivot' | 'bar' | 'stacked_bar' | 'line' | 'area' | 'pie' | 'funnel' | 'kpi' | 'heatmap'

export interface ChartSpec {
  type: ChartType
  /** Measure key shown (default: the first). */
  measure?: string
  title?: string
}

/** An echarts option object (plain JSON); `trellis` carries what a renderer needs beyond echarts. */
export type EChartsOption = Record<string, unknown>

export interface ChartModule {
  type: ChartType
  build(grid: PivotGrid, chart: ChartSpec, measure: number): EChartsOption
}

/** Leaf (non-total) indexes of an axis, in grid order. */
export const leaves = (headers: PivotGrid['rows']) =>
  headers.map((h, i) => (h.total ? -1 : i)).filter((i) => i >= 0)

/** The column a one-series chart reads: the total column if there is one, else the first. */
export function valueColumn(grid: PivotGrid): number {
  const total = grid.columns.findIndex((c) => c.level === 0)
  return total >= 0 ? total : 0
}

export const title = (chart: ChartSpec) => (chart.title ? { title: { text: chart.title } } : {})
