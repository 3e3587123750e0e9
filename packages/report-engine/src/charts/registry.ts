import { fail } from '../errors.js'
import type { PivotGrid } from '../grid/to-grid.js'
import { areaChart, barChart, lineChart, stackedBarChart } from './cartesian.js'
import type { ChartModule, ChartSpec, ChartType, EChartsOption } from './chart.js'
import { heatmapChart } from './heatmap.js'
import { kpiChart } from './kpi.js'
import { funnelChart, pieChart } from './pie.js'
import { pivotChart, tableChart } from './table.js'

export const chartTypes: Record<ChartType, ChartModule> = Object.fromEntries(
  [
    tableChart,
    pivotChart,
    barChart,
    stackedBarChart,
    lineChart,
    areaChart,
    pieChart,
    funnelChart,
    kpiChart,
    heatmapChart,
  ].map((m) => [m.type, m]),
) as Record<ChartType, ChartModule>

/** A grid → an echarts option for the chart type asked for. */
export function toChartOption(grid: PivotGrid, chart: ChartSpec): EChartsOption {
  const module = Object.prototype.hasOwnProperty.call(chartTypes, chart?.type)
    ? chartTypes[chart.type]
    : undefined
  if (!module) return fail('invalid_chart', `Unknown chart type "${String(chart?.type)}"`, 'type')
  const measure = chart.measure === undefined ? 0 : grid.measures.findIndex((m) => m.key === chart.measure)
  if (measure < 0) fail('unknown_measure', `Unknown measure "${String(chart.measure)}"`, 'measure')
  return module.build(grid, chart, measure)
}
