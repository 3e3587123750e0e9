/* eslint-disable @typescript-eslint/no-explicit-any -- echarts options are checked by assertions */
import { describe, expect, it } from 'vitest'
import {
  chartTypes,
  compilePivot,
  drillDown,
  englishSegments,
  chineseSegments,
  segmentOf,
  toChartOption,
  toGrid,
  type ChartType,
  type PivotSpec,
} from '../src/index.js'
import { localMidnight, nextBucket } from '../src/zone.js'
import { schema } from './fixtures.js'

// Rows as PostgreSQL returns them for month × status with totals (g = grouping(d0, d1) bitmask).
const spec: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'ordered_on', bucket: 'month' }],
  columns: [{ field: 'status' }],
  measures: [
    { key: 'n', agg: 'count' },
    { key: 'share', agg: 'count', showAs: 'share_of_row_total' },
  ],
  totals: { rows: true, columns: true },
}
const rows = [
  { d0: '2024-02-01', d1: 'paid', g: 0, m0: '3', m1: '3' },
  { d0: '2024-01-01', d1: 'paid', g: 0, m0: '2', m1: '2' },
  { d0: '2024-01-01', d1: 'refunded', g: 0, m0: '2', m1: '2' },
  { d0: '2024-01-01', d1: null, g: 1, m0: '4', m1: '4' },
  { d0: '2024-02-01', d1: null, g: 1, m0: '3', m1: '3' },
  { d0: null, d1: 'paid', g: 2, m0: '5', m1: '5' },
  { d0: null, d1: 'refunded', g: 2, m0: '2', m1: '2' },
  { d0: null, d1: null, g: 3, m0: '7', m1: '7' },
]
const { meta } = compilePivot(spec, schema)

describe('toGrid', () => {
  const grid = toGrid(rows, spec, meta)

  it('orders headers with totals last, labels buckets and select options, applies showAs', () => {
    expect(grid.rows.map((r) => r.label)).toEqual(['2024-01', '2024-02', '合计'])
    expect(grid.columns.map((c) => c.label)).toEqual(['已支付', '已退款', '合计'])
    expect(grid.values.map((r) => r.map((c) => c[0]))).toEqual([
      [2, 2, 4],
      [3, null, 3],
      [5, 2, 7],
    ])
    expect(grid.values[0]!.map((c) => c[1])).toEqual([0.5, 0.5, 1])
  })

  it('sorts rows by a measure when asked', () => {
    const sorted = toGrid(rows, { ...spec, sort: [{ by: 'n', direction: 'desc' }] }, meta, { locale: 'en' })
    expect(sorted.rows.map((r) => r.label)).toEqual(['2024-01', '2024-02', 'Total'])
    const asc = toGrid(rows, { ...spec, sort: [{ by: 'n', direction: 'asc' }] }, meta, { locale: 'en' })
    expect(asc.rows.map((r) => r.label)).toEqual(['2024-02', '2024-01', 'Total'])
  })

  it('drills a cell into bucket bounds and option equality, a total into fewer conditions', () => {
    expect(drillDown(spec, { rows: grid.rows[1]!.cells, columns: grid.columns[0]!.cells }, meta)).toEqual({
      and: [
        {
          and: [
            { '!=': [{ var: 'ordered_on' }, null] },
            { '>=': [{ var: 'ordered_on' }, '2024-02-01'] },
            { '<': [{ var: 'ordered_on' }, '2024-03-01'] },
          ],
        },
        { '==': [{ var: 'status' }, 'paid'] },
      ],
    })
    expect(drillDown(spec, { rows: [], columns: [] }, meta)).toBe(true)
  })

  it('gives every chart type an echarts option', () => {
    for (const type of Object.keys(chartTypes) as ChartType[]) {
      const option = toChartOption(grid, { type })
      expect(option, type).toBeTypeOf('object')
    }
    const bar = toChartOption(grid, { type: 'stacked_bar' }) as any
    expect(bar.xAxis.data).toEqual(['2024-01', '2024-02'])
    expect(bar.series.map((s: any) => [s.name, s.data, s.stack])).toEqual([
      ['已支付', [2, 3], 'total'],
      ['已退款', [2, null], 'total'],
    ])
    const kpi = toChartOption(grid, { type: 'kpi' }) as any
    expect(kpi.trellis).toMatchObject({ value: 3, previous: 4, change: -0.25, period: '2024-02' })
    const heat = toChartOption(grid, { type: 'heatmap' }) as any
    expect(heat.series[0].data).toEqual([
      [0, 0, 2],
      [1, 0, 2],
      [0, 1, 3],
    ])
    const pie = toChartOption(grid, { type: 'pie' }) as any
    expect(pie.series[0].data).toEqual([
      { name: '2024-01', value: 4 },
      { name: '2024-02', value: 3 },
    ])
    expect(() => toChartOption(grid, { type: 'radar' as ChartType })).toThrow(/Unknown chart type/)
  })
})

describe('time zone helpers and segments', () => {
  it('finds local midnights and next buckets', () => {
    expect(localMidnight('2024-03-01', 'Asia/Shanghai')).toBe('2024-02-29T16:00:00.000Z')
    expect(localMidnight('2024-03-31', 'Europe/Paris')).toBe('2024-03-30T23:00:00.000Z')
    expect(nextBucket('2024-01-31', 'day')).toBe('2024-02-01')
    expect(nextBucket('2024-11-01', 'quarter')).toBe('2025-02-01')
    expect(nextBucket('2024-12-30', 'week')).toBe('2025-01-06')
  })

  it('maps scores to exactly one Chinese segment, and English ones with a fallback', () => {
    const seen = new Set<string | null>()
    for (let r = 1; r <= 5; r++)
      for (let f = 1; f <= 5; f++)
        for (let m = 1; m <= 5; m++) seen.add(segmentOf(chineseSegments, { r, f, m }))
    expect(seen.size).toBe(8)
    expect(seen.has(null)).toBe(false)
    expect(segmentOf(englishSegments, { r: 5, f: 5, m: 5 })).toBe('champions')
    expect(segmentOf(englishSegments, { r: 1, f: 4, m: 1 })).toBe('loyal')
    expect(segmentOf(englishSegments, { r: 2, f: 3, m: 3 })).toBe('at_risk')
    expect(segmentOf(englishSegments, { r: 1, f: 1, m: 5 })).toBe('hibernating')
    expect(segmentOf(englishSegments, { r: 3, f: 3, m: 3 })).toBe('others')
  })
})
