import { describe, expect, it } from 'vitest'
import { compilePivot, toGrid, toTable, type PivotSpec } from '../src/index.js'
import { schema } from './fixtures.js'

const spec: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'ordered_on', bucket: 'month' }],
  columns: [{ field: 'status' }],
  measures: [
    { key: 'n', agg: 'count', label: { 'zh-CN': '单数', en: 'Orders' } },
    { key: 'share', agg: 'count', showAs: 'share_of_row_total', label: { 'zh-CN': '占比', en: 'Share' } },
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

describe('toTable', () => {
  it('lays a grid out as a sheet: column values over their measures, row labels, totals labelled', () => {
    const { meta } = compilePivot(spec, schema)
    const table = toTable(toGrid(rows, spec, meta, { locale: 'en' }))
    const status = meta.columns[0]!.label.en
    const month = meta.rows[0]!.label.en
    expect(table).toEqual({
      lines: [
        [status, 'Paid', '', 'Refunded', '', 'Total', ''],
        [month, 'Orders', 'Share', 'Orders', 'Share', 'Orders', 'Share'],
        ['2024-01', 2, 0.5, 2, 0.5, 4, 1],
        ['2024-02', 3, 1, null, null, 3, 1],
        ['Total', 5, 5 / 7, 2, 2 / 7, 7, 1],
      ],
      headerRows: 2,
      headerColumns: 1,
      totalLines: [4],
    })
  })

  it('a pivot without dimensions is one labelled line', () => {
    const bare: PivotSpec = { source: 'orders', measures: [{ key: 'n', agg: 'count' }] }
    const { meta } = compilePivot(bare, schema)
    const table = toTable(toGrid([{ m0: '7' }], bare, meta, { locale: 'zh-CN' }))
    expect(table.lines).toEqual([
      ['', '数量'],
      ['合计', 7],
    ])
    expect(table.totalLines).toEqual([1])
  })
})
