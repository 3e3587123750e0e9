import { describe, expect, it } from 'vitest'
import { compilePivot, rfmSpec, type PivotSpec } from '../src/index.js'
import { filterNeedsRelated } from '../src/sql/filter-facts.js'
import { schema } from './fixtures.js'

const empty = new Map<string, 0 | null>([
  ['count', 0],
  ['amount', 0],
  ['last', null],
])
const needs = (filter: unknown) =>
  filterNeedsRelated(filter as never, 'purchases', empty, { timeZone: 'Asia/Shanghai' })
const count = { var: 'purchases.count' }

describe('filters that drop records without related ones', () => {
  it('holds when a top-level conjunct over the related values is false for no related records', () => {
    expect(needs({ '>=': [count, 1] })).toBe(true)
    expect(needs({ '>': [{ var: 'purchases.amount' }, 0] })).toBe(true)
    expect(needs({ and: [{ '==': [{ var: 'tier' }, 'vip'] }, { and: [{ '!=': [count, 0] }] }] })).toBe(true)
    expect(needs({ '>=': [{ var: 'purchases.last' }, '2024-01-01'] })).toBe(true)
  })

  it('does not hold when records without related ones may pass, or it cannot tell', () => {
    expect(needs(undefined)).toBe(false)
    expect(needs({ '<': [count, 1] })).toBe(false)
    expect(needs({ '<=': [{ var: 'purchases.amount' }, 100] })).toBe(false)
    expect(needs({ or: [{ '>=': [count, 1] }, { '==': [{ var: 'tier' }, 'vip'] }] })).toBe(false)
    expect(needs({ '>=': [{ '+': [count, { var: 'quantity' }] }, 1] })).toBe(false)
    expect(needs({ '>=': [{ var: 'other.count' }, 1] })).toBe(false)
    expect(needs({ '>=': [{ var: 'purchases.nope' }, 1] })).toBe(false)
    expect(needs({ '>=': [count, { var: '$user.min' }] })).toBe(false)
  })

  it('joins the related aggregate as an inner join only then', () => {
    const joinOf = (filter: unknown) => {
      const spec: PivotSpec = {
        source: 'customers',
        related: { purchases: { form: 'orders', via: 'customer', values: { count: { agg: 'count' } } } },
        filter: filter as never,
        rows: [{ field: 'tier' }],
        measures: [{ key: 'n', agg: 'count' }],
      }
      return /(left join|join) \(select "c"\."customer"/.exec(compilePivot(spec, schema).sql)?.[1]
    }
    expect(joinOf({ '>=': [count, 1] })).toBe('join')
    expect(joinOf({ '==': [count, 0] })).toBe('left join')
    expect(/ join \(select/.test(compilePivot(rfmSpec(), schema).sql)).toBe(true)
  })
})
