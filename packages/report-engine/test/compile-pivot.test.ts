import { describe, expect, it } from 'vitest'
import { compilePivot, ReportError, type PivotSpec } from '../src/index.js'
import { schema } from './fixtures.js'

const count = [{ key: 'n', agg: 'count' as const }]

function refused(spec: unknown): { code: string; path: string } {
  try {
    compilePivot(spec as PivotSpec, schema)
  } catch (error) {
    if (error instanceof ReportError) return { code: error.code, path: error.path }
    throw error
  }
  throw new Error('compiled')
}

describe('compilePivot', () => {
  it('evaluates a related filter at the injected instant, like the main filter', () => {
    const { parameters } = compilePivot(
      {
        source: 'customers',
        related: {
          recent: {
            form: 'orders',
            via: 'customer',
            filter: { '>=': [{ var: 'paid_at' }, { date_add: [{ now: [] }, -30, 'days'] }] },
            values: { n: { agg: 'count' } },
          },
        },
        measures: [{ key: 'n', agg: 'sum', field: 'recent.n' }],
      },
      schema,
      { now: new Date('2026-06-01T02:00:00Z') },
    )
    expect(parameters).toContain('2026-05-02T02:00:00.000Z')
  })

  it('is one statement with grouping sets for subtotals and totals', () => {
    const { sql } = compilePivot(
      {
        source: 'orders',
        rows: [{ field: 'ordered_on', bucket: 'month' }, { field: 'customer.store.name' }],
        columns: [{ field: 'status' }],
        measures: count,
        totals: { rows: true, columns: true, subtotals: true },
      },
      schema,
    )
    expect(sql.startsWith('with ')).toBe(true)
    expect(sql.split(';')).toHaveLength(1)
    expect(sql).toContain(
      'group by grouping sets (("d0", "d1", "d2"), ("d0", "d1"), ("d0", "d2"), ("d0"), ("d2"), ())',
    )
    expect(sql).toContain('left join "app_shop"."customers" as "j0"')
  })

  it('puts every value from the spec in parameters, never in the SQL text', () => {
    const evil = "x'); drop table orders; --"
    const { sql, parameters } = compilePivot(
      {
        source: 'orders',
        rows: [
          { cases: [{ value: evil, when: { '==': [{ var: 'status' }, evil] } }], otherwise: { value: evil } },
        ],
        columns: [{ field: 'amount', bin: { width: 7, origin: 3 } }],
        measures: [{ key: 'n', agg: 'count', where: { '==': [{ var: 'status' }, evil] } }],
        filter: { '==': [{ var: 'customer.name' }, evil] },
        top: [{ dimension: 'rows.0', n: 3 }],
      },
      schema,
    )
    expect(sql).not.toContain('drop table')
    expect(parameters).toContain(evil)
    expect(parameters).toContain(7)
  })

  it('refuses unknown forms, fields, relations, buckets, aggregations, directions and dimensions with paths', () => {
    expect(refused({ source: 'nope', measures: count })).toEqual({ code: 'unknown_form', path: 'source' })
    expect(refused({ source: 'orders', rows: [{ field: 'amount"; --' }], measures: count })).toEqual({
      code: 'unknown_field',
      path: 'rows.0.field',
    })
    expect(refused({ source: 'orders', rows: [{ field: 'status.name' }], measures: count })).toMatchObject({
      code: 'not_a_relation',
    })
    expect(
      refused({ source: 'orders', rows: [{ field: 'ordered_on', bucket: 'hour' }], measures: count }),
    ).toEqual({
      code: 'invalid_bucket',
      path: 'rows.0.bucket',
    })
    expect(
      refused({ source: 'orders', rows: [{ field: 'status', bucket: 'month' }], measures: count }),
    ).toMatchObject({
      code: 'type_mismatch',
    })
    expect(refused({ source: 'orders', measures: [{ key: 'x', agg: 'stddev', field: 'amount' }] })).toEqual({
      code: 'invalid_aggregation',
      path: 'measures.0.agg',
    })
    expect(
      refused({ source: 'orders', measures: [{ key: 'x', agg: 'avg', field: 'status' }] }),
    ).toMatchObject({
      code: 'type_mismatch',
      path: 'measures.0.field',
    })
    expect(refused({ source: 'orders', measures: [...count, { key: 'r', ratio: ['n', 'zz'] }] })).toEqual({
      code: 'unknown_measure',
      path: 'measures.1.ratio.1',
    })
    expect(
      refused({
        source: 'orders',
        rows: [{ field: 'status' }],
        measures: count,
        sort: [{ by: 'rows.0', direction: 'up' }],
      }),
    ).toEqual({
      code: 'invalid_direction',
      path: 'sort.0.direction',
    })
    expect(refused({ source: 'orders', measures: count, top: [{ dimension: 'rows.3', n: 2 }] })).toEqual({
      code: 'invalid_dimension',
      path: 'top.0.dimension',
    })
    expect(
      refused({ source: 'orders', measures: count, filter: { '==': [{ var: 'window:x' }, 1] } }),
    ).toMatchObject({
      code: 'condition.unknown_field',
    })
    expect(refused({ source: 'orders', rows: [{ field: 'customer.tags' }], measures: count })).toMatchObject({
      code: 'type_mismatch',
    })
  })

  it('buckets datetimes in the app zone and dates without one', () => {
    const zoned = compilePivot(
      { source: 'orders', rows: [{ field: 'paid_at', bucket: 'week' }], measures: count },
      schema,
    )
    expect(zoned.sql).toContain('at time zone $')
    expect(zoned.parameters).toContain('Asia/Shanghai')
    const other = compilePivot(
      { source: 'orders', rows: [{ field: 'paid_at', bucket: 'week' }], measures: count },
      { ...schema, timeZone: 'Europe/Paris' },
    )
    expect(other.parameters).toContain('Europe/Paris')
    expect(() =>
      compilePivot({ source: 'orders', measures: count }, { ...schema, timeZone: 'Mars/Olympus' }),
    ).toThrow(ReportError)
  })
})
