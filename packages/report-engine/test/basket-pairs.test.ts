import { describe, expect, it } from 'vitest'
import { compileBasketPairs, ReportError, type BasketPairsSpec } from '../src/index.js'
import { schema } from './fixtures.js'

// The fixture's orders name a customer and a store: customers as baskets, stores as items is a fair stand-in.
const spec: BasketPairsSpec = { source: 'orders', basket: 'customer', item: 'store' }

function refused(s: unknown): string {
  try {
    compileBasketPairs(s as BasketPairsSpec, schema)
  } catch (error) {
    if (error instanceof ReportError) return `${error.code}@${error.path}`
    throw error
  }
  return 'compiled'
}

describe('compileBasketPairs', () => {
  it('is one statement; thresholds are parameters, never SQL text', () => {
    const { sql, parameters } = compileBasketPairs(
      {
        ...spec,
        filter: { '==': [{ var: 'status' }, 'paid'] },
        minBaskets: 7,
        minSupport: 0.125,
        minConfidence: 0.375,
        perItem: 3,
      },
      schema,
    )
    expect(sql.trim().startsWith('with ')).toBe(true)
    expect(sql).not.toContain(';')
    expect(parameters).toEqual(expect.arrayContaining(['paid', 7, 0.125, 0.375, 3]))
    for (const literal of ['paid', '0.125', '0.375']) expect(sql).not.toContain(literal)
    // Relations are read through the target's id (a deleted customer or store reads as empty).
    expect(sql).toMatch(/left join "app_shop"\."customers"/)
    expect(sql).toMatch(/left join "app_shop"\."stores"/)
  })

  it('refuses unknown or unsuitable fields, bad identifiers and out-of-range thresholds with a path', () => {
    expect(refused(spec)).toBe('compiled')
    expect(refused({ ...spec, source: 'nope' })).toBe('unknown_form@source')
    expect(refused({ ...spec, basket: 'customer"; drop table x; --' })).toBe('invalid_field@basket')
    expect(refused({ ...spec, item: 'customer.tier' })).toBe('invalid_field@item')
    expect(refused({ ...spec, item: 'paid_at' })).toBe('type_mismatch@item')
    expect(refused({ ...spec, item: 'customer' })).toBe('invalid_spec@item')
    expect(refused({ ...spec, minConfidence: 1.5 })).toBe('invalid_spec@minConfidence')
    expect(refused({ ...spec, minBaskets: 0.5 })).toBe('invalid_spec@minBaskets')
    expect(refused({ ...spec, perItem: 1001 })).toBe('invalid_spec@perItem')
    expect(refused({ ...spec, filter: { '==': [{ var: 'customer.nope' }, 1] } })).toMatch(/^condition\./)
    expect(() => compileBasketPairs(spec, { ...schema, dbSchema: 'a"b' })).toThrow(ReportError)
  })
})
