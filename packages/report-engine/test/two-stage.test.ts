import { describe, expect, it } from 'vitest'
import { compilePivot, type PivotSpec } from '../src/index.js'
import { schema } from './fixtures.js'

const base: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'ordered_on', bucket: 'month' }],
  columns: [{ field: 'status' }],
  measures: [
    { key: 'n', agg: 'count' },
    { key: 'revenue', agg: 'sum', field: 'amount', where: { '>': [{ var: 'amount' }, 0] } },
    { key: 'aov', agg: 'avg', field: 'amount' },
    { key: 'per', ratio: ['revenue', 'n'] },
  ],
  totals: { rows: true, columns: true, subtotals: true },
}

describe('two-stage aggregation', () => {
  it('aggregates leaf cells once, then the grouping sets over them, when every measure decomposes', () => {
    const { sql } = compilePivot(base, schema)
    expect(sql).toMatch(
      /leaf as \(select "d0", "d1", count\(\*\) as "p0_0", sum\("c\d+"\) filter \(where .*\) as "p1_0", sum\("c\d+"\) as "p2_0", count\("c\d+"\) as "p2_1" from cells group by "d0", "d1"\)/,
    )
    expect(sql).toContain('from leaf group by grouping sets')
    expect(sql).toContain('cast(coalesce(sum("p0_0"), 0) as bigint) as "m0"')
    expect(sql).toContain('(sum("p2_0") / nullif(sum("p2_1"), 0)) as "m2"')
  })

  it('keeps one stage for count_distinct and median, and without dimensions', () => {
    for (const agg of ['count_distinct', 'median'] as const) {
      const spec = { ...base, measures: [...base.measures, { key: 'x', agg, field: 'amount' }] }
      expect(compilePivot(spec, schema).sql).not.toContain('leaf as')
    }
    expect(compilePivot({ ...base, rows: [], columns: [] }, schema).sql).not.toContain('leaf as')
  })
})
