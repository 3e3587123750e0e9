import { localized } from '../grid/labels.js'
import type { PivotGrid } from '../grid/to-grid.js'
import { leaves, title, valueColumn, type ChartModule, type ChartSpec, type ChartType } from './chart.js'

function parts(type: ChartType): ChartModule {
  return {
    type,
    build(grid: PivotGrid, chart: ChartSpec, measure: number) {
      const ci = valueColumn(grid)
      const data = leaves(grid.rows).map((ri) => ({
        name: grid.rows[ri]!.label,
        value: grid.values[ri]![ci]![measure] ?? null,
      }))
      const name = localized(grid.measures[measure]!.label, grid.locale)
      const series =
        type === 'pie'
          ? { type: 'pie', name, radius: '60%', data }
          : { type: 'funnel', name, sort: 'descending', data }
      return { ...title(chart), tooltip: { trigger: 'item' }, legend: { show: true }, series: [series] }
    },
  }
}

export const pieChart = parts('pie')
export const funnelChart = parts('funnel')
