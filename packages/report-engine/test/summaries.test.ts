import { describe, expect, it } from 'vitest'
import { compilePivot, type PivotSpec } from '../src/index.js'
import { schema as plain } from './fixtures.js'

// The fixture shop with two summaries of its orders: a wide one and a narrow one (tried first).
const app = structuredClone(plain.app)
app.forms.find((f) => f.key === 'orders')!.summaries = [
  { key: 'wide', dimensions: ['ordered_on', 'store', 'status', 'customer'], sums: ['amount'] },
  { key: 'narrow', dimensions: ['ordered_on', 'status'], sums: ['amount', 'quantity'] },
]
const schema = { ...plain, app }

const monthByStatus: PivotSpec = {
  source: 'orders',
  rows: [{ field: 'ordered_on', bucket: 'month' }],
  columns: [{ field: 'status' }],
  measures: [
    { key: 'n', agg: 'count' },
    { key: 'revenue', agg: 'sum', field: 'amount' },
    { key: 'aov', agg: 'avg', field: 'amount' },
  ],
  totals: { rows: true, columns: true },
}

describe('summaries', () => {
  it('answers from the narrowest summary holding every field asked, reading its totals and pending changes', () => {
    const compiled = compilePivot(monthByStatus, schema)
    expect(compiled.meta.summary).toBe('narrow')
    expect(compiled.sql).toContain('from "app_shop"."orders__s_narrow" union all select')
    expect(compiled.sql).toContain('from "app_shop"."orders__sd_narrow")')
    expect(compiled.sql).not.toContain('"app_shop"."orders" as t')
    expect(compiled.sql).toContain('having sum("w") > 0')
    const byStore = compilePivot({ ...monthByStatus, columns: [{ field: 'store.name' }] }, schema)
    expect(byStore.meta.summary).toBe('wide')
    expect(byStore.sql).toMatch(/left join "app_shop"\."stores" as "j0" on "j0"\."id" = "t"\."store"/)
  })

  it('reads the records for what no summary holds, or when asked to', () => {
    const misses: PivotSpec[] = [
      { ...monthByStatus, measures: [{ key: 'm', agg: 'max', field: 'amount' }] },
      {
        ...monthByStatus,
        measures: [{ key: 'q', agg: 'sum', field: 'quantity' }],
        columns: [{ field: 'store' }],
      },
      { ...monthByStatus, filter: { '>': [{ var: 'amount' }, 10] } },
      { ...monthByStatus, rows: [{ field: 'paid_at', bucket: 'month' }] },
      { ...monthByStatus, top: [{ dimension: 'columns.0', n: 1 }] },
    ]
    for (const spec of misses) {
      const compiled = compilePivot(spec, schema)
      expect(compiled.meta.summary, JSON.stringify(spec)).toBeUndefined()
      expect(compiled.sql).toContain('"app_shop"."orders" as t')
    }
    expect(compilePivot(monthByStatus, schema, { summaries: false }).meta.summary).toBeUndefined()
    expect(
      compilePivot(monthByStatus, schema, { rowScope: { '==': [{ var: 'customer' }, '3'] } }).meta.summary,
    ).toBe('wide')
  })

  it('reports a bad spec as over the records, whatever the summaries', () => {
    expect(() => compilePivot({ ...monthByStatus, rows: [{ field: 'nope' }] }, schema)).toThrow(
      /Unknown field/,
    )
  })
})
