import type { PivotGrid } from '../grid/to-grid.js'
import { leaves, title, type ChartModule } from './chart.js'

/** Rows × columns coloured by a measure: cohorts (first-purchase month × months since) read well this way. */
export const heatmapChart: ChartModule = {
  type: 'heatmap',
  build(grid: PivotGrid, chart, measure) {
    const rows = leaves(grid.rows)
    const cols = leaves(grid.columns)
    const data: Array<[number, number, number]> = []
    let min = Infinity
    let max = -Infinity
    rows.forEach((ri, y) =>
      cols.forEach((ci, x) => {
        const v = grid.values[ri]![ci]![measure]
        if (typeof v !== 'number') return
        data.push([x, y, v])
        min = Math.min(min, v)
        max = Math.max(max, v)
      }),
    )
    return {
      ...title(chart),
      tooltip: { position: 'top' },
      xAxis: { type: 'category', data: cols.map((ci) => grid.columns[ci]!.label), splitArea: { show: true } },
      yAxis: { type: 'category', data: rows.map((ri) => grid.rows[ri]!.label), splitArea: { show: true } },
      visualMap: {
        min: data.length ? min : 0,
        max: data.length ? max : 0,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
      },
      series: [{ type: 'heatmap', data, label: { show: true } }],
    }
  },
}
