import { compilePivot, toGrid, type PivotSpec } from '@trellis/report-engine'
import { describe, expect, it } from 'vitest'
import { cellOfPoint, drillCellOf } from '../src/charts/chart-cell'
import {
  drillFilter,
  filterSearch,
  toRecordsFilter,
  widgetSpec,
} from '../src/workspace/dashboards/drill-filter'
import { crmLike } from './support/reports-app'

const spec: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'store.name' }],
  columns: [{ field: 'ordered_at', bucket: 'month' }],
  measures: [{ key: 'amount', agg: 'sum', field: 'amount' }],
  filter: { '==': [{ var: 'status' }, 'paid'] },
  totals: { rows: true },
}

/** The grid the server would answer: compiled by the engine, fed rows as PostgreSQL returns them. */
function gridOf(pivot: PivotSpec, rows: Record<string, unknown>[]) {
  const { meta } = compilePivot(pivot, { app: crmLike, dbSchema: 'app_crm' })
  return toGrid(rows, pivot, meta, { locale: 'zh-CN' })
}

const grid = gridOf(spec, [
  { d0: '静安店', d1: '2026-03-01', g: 0, m0: '120.00' },
  { d0: '静安店', d1: '2026-04-01', g: 0, m0: '80.00' },
  { d0: '西湖店', d1: '2026-03-01', g: 0, m0: '50.00' },
  { d0: null, d1: '2026-03-01', g: 2, m0: '170.00' },
  { d0: null, d1: '2026-04-01', g: 2, m0: '80.00' },
])

describe('drill-down from a dashboard chart', () => {
  it('maps a clicked bar to its grid cell: x is the leaf row, the series the leaf column', () => {
    // Rows (by value): 西湖店, 静安店, total; columns: 2026-03, 2026-04. Series 1, bar 1 is 静安店 × April.
    const ref = cellOfPoint('bar', grid, { seriesIndex: 1, dataIndex: 1 })!
    expect(grid.rows[ref.row]!.label).toBe('静安店')
    expect(grid.columns[ref.column]!.label).toBe('2026-04')
    expect(cellOfPoint('bar', grid, { seriesIndex: 0, dataIndex: 5 })).toBeNull()
    const heat = cellOfPoint('heatmap', grid, { seriesIndex: 0, dataIndex: 0, data: [0, 0, 50] })!
    expect([grid.rows[heat.row]!.label, grid.columns[heat.column]!.label]).toEqual(['西湖店', '2026-03'])
    expect(cellOfPoint('table', grid, { seriesIndex: 0, dataIndex: 0 })).toBeNull()
  })

  it('builds the filter of a cell: the report filter, the row value and the month in the app time zone', () => {
    const ref = cellOfPoint('bar', grid, { seriesIndex: 1, dataIndex: 1 })!
    expect(drillFilter(spec, grid, drillCellOf(grid, ref), 'Asia/Shanghai')).toEqual({
      and: [
        { '==': [{ var: 'status' }, 'paid'] },
        { '==': [{ var: 'store.name' }, '静安店'] },
        {
          and: [
            { '!=': [{ var: 'ordered_at' }, null] },
            // Local midnights of 2026-04-01 and 2026-05-01 in Shanghai (UTC+8).
            { '>=': [{ var: 'ordered_at' }, '2026-03-31T16:00:00.000Z'] },
            { '<': [{ var: 'ordered_at' }, '2026-04-30T16:00:00.000Z'] },
          ],
        },
      ],
    })
    // The total row fixes only the month.
    const total = grid.rows.findIndex((r) => r.total)
    const filter = drillFilter(
      spec,
      grid,
      drillCellOf(grid, { row: total, column: ref.column }),
      'Asia/Shanghai',
    )
    expect(JSON.stringify(filter)).not.toContain('store.name')
  })

  it('adds the dashboard filter values bound to the widget, as the server does', () => {
    const filters = [
      { key: 'period', type: 'date_range' as const },
      { key: 'store', type: 'value' as const },
      { key: 'unbound', type: 'value' as const },
    ]
    const bound = widgetSpec(spec, { bind: { period: 'ordered_at', store: 'store.name' } }, filters, {
      period: { from: '2026-03-01', to: '2026-03-31' },
      store: '静安店',
      unbound: 'x',
    })
    expect(bound.filter).toEqual({
      and: [
        { '==': [{ var: 'status' }, 'paid'] },
        { '>=': [{ var: 'ordered_at' }, '2026-03-01'] },
        { '<=': [{ var: 'ordered_at' }, '2026-03-31'] },
        { '==': [{ var: 'store.name' }, '静安店'] },
      ],
    })
    expect(widgetSpec(spec, { bind: { store: 'store.name' } }, filters, { store: null })).toBe(spec)
  })

  it('turns relation paths into id lists of the related form, so the records view can run the filter', async () => {
    const asked: Array<[string, unknown]> = []
    const lookup = async (form: string, filter: unknown) => {
      asked.push([form, filter])
      return ['3', '5']
    }
    const filter = await toRecordsFilter(
      {
        and: [
          { '==': [{ var: 'status' }, 'paid'] },
          { '==': [{ var: 'store.name' }, '静安店'] },
          { '==': [{ var: 'store.city' }, null] },
          { '!': { in: [{ var: 'store.name' }, ['a']] } },
        ],
      },
      crmLike,
      'orders',
      lookup,
    )
    expect(filter).toEqual({
      and: [
        { '==': [{ var: 'status' }, 'paid'] },
        { in: [{ var: 'store' }, ['3', '5']] },
        { or: [{ '==': [{ var: 'store' }, null] }, { in: [{ var: 'store' }, ['3', '5']] }] },
        { '!': { in: [{ var: 'store' }, ['3', '5']] } },
      ],
    })
    expect(asked).toEqual([
      ['stores', { '==': [{ var: 'name' }, '静安店'] }],
      ['stores', { '==': [{ var: 'city' }, null] }],
      ['stores', { in: [{ var: 'name' }, ['a']] }],
    ])
    // Own fields need no lookup.
    asked.length = 0
    expect(await toRecordsFilter({ '>=': [{ var: 'amount' }, 5] }, crmLike, 'orders', lookup)).toEqual({
      '>=': [{ var: 'amount' }, 5],
    })
    expect(asked).toEqual([])
    expect(filterSearch({ '==': [{ var: 'status' }, 'paid'] })).toBe(
      'filter=' + encodeURIComponent('{"==":[{"var":"status"},"paid"]}'),
    )
  })
})
