import { describe, expect, it } from 'vitest'
import { compilePivot, type PivotSpec } from '../src/index.js'
import { schema } from './fixtures.js'

const byStore = { '==': [{ var: 'store' }, 7] }

describe('row scopes of joined and related forms', () => {
  it("puts a joined form's scope into its join, as a parameter, so records outside it read as empty", () => {
    const spec: PivotSpec = {
      source: 'orders',
      rows: [{ field: 'customer.tier' }],
      measures: [{ key: 'n', agg: 'count' }],
    }
    const { sql, parameters } = compilePivot(spec, schema, { formScopes: { customers: byStore } })
    expect(sql).toMatch(
      /left join "app_shop"\."customers" as "j0" on "j0"\."id" = "t"\."customer" and "j0"\."deleted_at" is null and \([\s\S]*"j0"\."store"[\s\S]*\) where t\.deleted_at is null/,
    )
    expect(parameters).toContain(7)
    // A form the viewer may not read at all joins nothing.
    expect(compilePivot(spec, schema, { formScopes: { customers: false } }).sql).toMatch(
      /"j0"\."deleted_at" is null and \(false\)/,
    )
  })

  it("filters a related aggregate's records by their form's scope", () => {
    const spec: PivotSpec = {
      source: 'customers',
      related: { p: { form: 'orders', via: 'customer', values: { n: { agg: 'count' } } } },
      measures: [{ key: 'n', agg: 'sum', field: 'p.n' }],
    }
    const { sql } = compilePivot(spec, schema, { formScopes: { orders: byStore } })
    expect(sql).toMatch(/where c\.deleted_at is null and \([\s\S]*"c"\."store"[\s\S]*\) group by 1/)
  })
})
