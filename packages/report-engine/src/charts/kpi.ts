import { localized } from '../grid/labels.js'
import type { PivotGrid } from '../grid/to-grid.js'
import { leaves, title, valueColumn, type ChartModule } from './chart.js'

/**
 * A KPI card: with a date-bucket first row dimension, the latest period's value against the one before;
 * otherwise the grand total. echarts has no card series, so the card is drawn with `graphic` text.
 */
export const kpiChart: ChartModule = {
  type: 'kpi',
  build(grid: PivotGrid, chart, measure) {
    const ci = valueColumn(grid)
    const periods = grid.rowDimensions[0]?.kind === 'bucket' && grid.rowDimensions.length === 1
    const rows = leaves(grid.rows)
    const at = (ri: number | undefined) =>
      ri === undefined ? null : (grid.values[ri]![ci]![measure] as number | null)
    let value: number | null
    let previous: number | null = null
    let period: string | null = null
    if (periods && rows.length) {
      value = at(rows.at(-1))
      previous = rows.length > 1 ? at(rows.at(-2)) : null
      period = grid.rows[rows.at(-1)!]!.label
    } else {
      const total = grid.rows.findIndex((r) => r.level === 0)
      value = at(total >= 0 ? total : rows[0])
    }
    const change =
      value !== null && previous !== null && previous !== 0 ? (value - previous) / Math.abs(previous) : null
    const name = localized(grid.measures[measure]!.label, grid.locale)
    const arrow = change === null ? '' : change >= 0 ? '▲' : '▼'
    return {
      ...title(chart),
      graphic: [
        { type: 'text', left: 'center', top: '25%', style: { text: name, fontSize: 16 } },
        {
          type: 'text',
          left: 'center',
          top: 'middle',
          style: { text: value === null ? '—' : String(value), fontSize: 36 },
        },
        ...(change === null
          ? []
          : [
              {
                type: 'text',
                left: 'center',
                top: '70%',
                style: { text: `${arrow} ${(change * 100).toFixed(1)}%`, fontSize: 14 },
              },
            ]),
      ],
      trellis: { kind: 'kpi', value, previous, change, period },
    }
  },
}
