import { describe, expect, it } from 'vitest'
import { compilePivot, rfmSpec, type PivotSpec } from '../src/index.js'
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
      /leaf as \(select "c(\d+)", "d1", count\(\*\) as "p0_0", sum\("c\d+"\) filter \(where .*\) as "p1_0", sum\("c\d+"\) as "p2_0", count\("c\d+"\) as "p2_1" from cells group by "c\1", "d1"\)/,
    )
    expect(sql).toContain('from buckets group by grouping sets')
    expect(sql).toContain('cast(coalesce(sum("p0_0"), 0) as bigint) as "m0"')
    expect(sql).toContain('(sum("p2_0") / nullif(sum("p2_1"), 0)) as "m2"')
  })

  it('groups leaf cells by a date and buckets the leaf rows; datetimes and top-N dimensions per record', () => {
    const { sql } = compilePivot(base, schema)
    expect(sql).toMatch(
      /buckets as \(select cast\(date_trunc\(\$\d+, cast\("c\d+" as timestamp\)\) as date\) as "d0", "d1", /,
    )
    expect(sql).not.toMatch(/cells as \([^)]*date_trunc/)
    const paidAt: PivotSpec = { ...base, rows: [{ field: 'paid_at', bucket: 'month' }] }
    expect(compilePivot(paidAt, schema).sql).toMatch(/leaf as \(select "d0", "d1", .* group by "d0", "d1"\)/)
    const top: PivotSpec = { ...base, top: [{ dimension: 'columns.0', n: 1 }] }
    expect(compilePivot(top, schema).sql).not.toContain('buckets as')
  })

  it('groups RFM customers by their three scores before the segment cases', () => {
    const { sql } = compilePivot(rfmSpec(), schema)
    expect(sql).toMatch(/leaf as \(select "(c\d+)", "(c\d+)", "(c\d+)", .* group by "\1", "\2", "\3"\)/)
    expect(sql).toMatch(/buckets as \(select \(case when /)
  })

  it('keeps one stage for count_distinct and median, and without dimensions', () => {
    for (const agg of ['count_distinct', 'median'] as const) {
      const spec = { ...base, measures: [...base.measures, { key: 'x', agg, field: 'amount' }] }
      expect(compilePivot(spec, schema).sql).not.toContain('leaf as')
    }
    expect(compilePivot({ ...base, rows: [], columns: [] }, schema).sql).not.toContain('leaf as')
  })
})
