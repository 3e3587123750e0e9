import { localized } from '../grid/labels.js'
import type { PivotGrid } from '../grid/to-grid.js'
import { leaves, title, valueColumn, type ChartModule, type ChartSpec, type ChartType } from './chart.js'

function cartesian(type: ChartType): ChartModule {
  return {
    type,
    build(grid: PivotGrid, chart: ChartSpec, measure: number) {
      const rows = leaves(grid.rows)
      const columnLeaves = grid.columnDimensions.length ? leaves(grid.columns) : [valueColumn(grid)]
      const seriesType = type === 'bar' || type === 'stacked_bar' ? 'bar' : 'line'
      const series = columnLeaves.map((ci) => ({
        type: seriesType,
        name: grid.columnDimensions.length
          ? grid.columns[ci]!.label
          : localized(grid.measures[measure]!.label, grid.locale),
        data: rows.map((ri) => grid.values[ri]![ci]![measure] ?? null),
        ...(type === 'stacked_bar' || type === 'area' ? { stack: 'total' } : {}),
        ...(type === 'area' ? { areaStyle: {} } : {}),
        ...(type === 'line' || type === 'area' ? { connectNulls: false } : {}),
      }))
      return {
        ...title(chart),
        tooltip: { trigger: 'axis' },
        legend: { show: series.length > 1 },
        xAxis: { type: 'category', data: rows.map((ri) => grid.rows[ri]!.label) },
        yAxis: { type: 'value' },
        series,
      }
    },
  }
}

export const barChart = cartesian('bar')
export const stackedBarChart = cartesian('stacked_bar')
export const lineChart = cartesian('line')
export const areaChart = cartesian('area')
