/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import type { AppDefinition } from '@trellis/form-engine'
import {
  aovSpec,
  churnSpec,
  clvSpec,
  cohortSpec,
  englishSegments,
  newVsReturningSpec,
  repurchaseSpec,
  rfmSpec,
  type PivotSpec,
} from '@trellis/report-engine'
import { beforeAll, describe, expect, it } from 'vitest'
import { runGuarded } from '../src/reports/run-guarded.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const app: AppDefinition = {
  key: 'rshop',
  name: { 'zh-CN': '报表小店', en: 'Report shop' },
  forms: [
    {
      key: 'stores',
      label: { en: 'Stores' },
      fields: [{ key: 'name', type: 'text', label: { en: 'Name' } }],
    },
    {
      key: 'customers',
      label: { en: 'Customers' },
      fields: [
        { key: 'name', type: 'text', label: { en: 'Name' } },
        {
          key: 'tier',
          type: 'select',
          label: { en: 'Tier' },
          options: [
            { value: 'normal', label: { 'zh-CN': '普通', en: 'Normal' } },
            { value: 'vip', label: { 'zh-CN': '会员', en: 'VIP' } },
          ],
        },
        { key: 'store', type: 'relation', label: { en: 'Store' }, relation: { form: 'stores' } },
      ],
    },
    {
      key: 'orders',
      label: { en: 'Orders' },
      fields: [
        { key: 'customer', type: 'relation', label: { en: 'Customer' }, relation: { form: 'customers' } },
        { key: 'amount', type: 'currency', label: { en: 'Amount' }, scale: 2 },
        { key: 'quantity', type: 'number', label: { en: 'Quantity' } },
        { key: 'ordered_on', type: 'date', label: { en: 'Ordered on' } },
        { key: 'paid_at', type: 'datetime', label: { en: 'Paid at' } },
        {
          key: 'status',
          type: 'select',
          label: { en: 'Status' },
          options: [
            { value: 'paid', label: { 'zh-CN': '已支付', en: 'Paid' } },
            { value: 'refunded', label: { 'zh-CN': '已退款', en: 'Refunded' } },
          ],
        },
      ],
    },
  ],
}

const paid = { '==': [{ var: 'status' }, 'paid'] }

/** A row of a grid as `{ rowLabel: { colLabel: value } }` for one measure. */
function table(grid: any, measure = 0): Record<string, Record<string, number | string | null>> {
  const out: Record<string, Record<string, number | string | null>> = {}
  grid.rows.forEach((r: any, ri: number) => {
    out[r.label] = {}
    grid.columns.forEach((c: any, ci: number) => {
      const v = grid.values[ri][ci][measure]
      if (v !== null) out[r.label]![c.label] = typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v
    })
  })
  return out
}

describeEachDatabase('reports: pivots over hand-computed fixtures', (ctx) => {
  const api = useApi(ctx)
  const pivot = async (spec: PivotSpec, locale = 'zh-CN') => {
    const res = await api.call('POST', '/api/apps/rshop/pivot', { spec, locale })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.grid
  }

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/rshop/publish', {})).status).toBe(200)
    const create = async (form: string, records: object[]) => {
      const res = await api.call('POST', `/api/apps/rshop/forms/${form}/records/bulk`, {
        records: records.map((values) => ({ values })),
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return (res.body.records ?? res.body).map((r: any) => r.id)
    }
    const [north, south] = await create('stores', [{ name: '北店' }, { name: '南店' }])
    const [a, b, c] = await create('customers', [
      { name: 'A', tier: 'vip', store: north },
      { name: 'B', tier: 'normal', store: north },
      { name: 'C', tier: 'normal', store: south },
      { name: 'D', tier: 'vip', store: south },
    ])
    await create('orders', [
      // paid 2024-02-01 00:30 in Shanghai, still January in UTC
      {
        customer: a,
        amount: '100.00',
        quantity: 1,
        ordered_on: '2024-01-05',
        paid_at: '2024-01-31T16:30:00.000Z',
        status: 'paid',
      },
      {
        customer: a,
        amount: '50.50',
        quantity: 2,
        ordered_on: '2024-01-20',
        paid_at: '2024-01-20T02:00:00.000Z',
        status: 'paid',
      },
      {
        customer: a,
        amount: '200.00',
        quantity: 1,
        ordered_on: '2024-03-10',
        paid_at: '2024-03-10T10:00:00.000Z',
        status: 'paid',
      },
      // 23:59:59 on 31 January in Shanghai
      {
        customer: b,
        amount: '80.00',
        quantity: 3,
        ordered_on: '2024-01-15',
        paid_at: '2024-01-31T15:59:59.000Z',
        status: 'paid',
      },
      {
        customer: b,
        amount: '-30.00',
        quantity: 1,
        ordered_on: '2024-02-02',
        paid_at: '2024-02-02T00:00:00.000Z',
        status: 'refunded',
      },
      {
        customer: c,
        amount: '120.00',
        ordered_on: '2024-02-14',
        paid_at: '2024-02-14T12:00:00.000Z',
        status: 'paid',
      },
      {
        customer: c,
        amount: '120.00',
        quantity: 4,
        ordered_on: '2024-02-14',
        paid_at: '2024-02-14T13:00:00.000Z',
        status: 'paid',
      },
    ])
  })

  it('computes every measure per month with a total row', async () => {
    const aggs = ['count', 'sum', 'avg', 'min', 'max', 'median', 'count_distinct'] as const
    const grid = await pivot({
      source: 'orders',
      rows: [{ field: 'ordered_on', bucket: 'month' }],
      measures: aggs.map((agg) => ({
        key: agg,
        agg,
        ...(agg === 'count' ? {} : { field: agg === 'count_distinct' ? 'customer' : 'amount' }),
      })),
      totals: { rows: true },
    })
    const byMeasure = Object.fromEntries(
      aggs.map((agg, i) => [
        agg,
        Object.fromEntries(Object.entries(table(grid, i)).map(([k, v]) => [k, Object.values(v)[0]])),
      ]),
    )
    expect(byMeasure).toEqual({
      count: { '2024-01': 3, '2024-02': 3, '2024-03': 1, 合计: 7 },
      sum: { '2024-01': 230.5, '2024-02': 210, '2024-03': 200, 合计: 640.5 },
      avg: { '2024-01': 76.833333, '2024-02': 70, '2024-03': 200, 合计: 91.5 },
      min: { '2024-01': 50.5, '2024-02': -30, '2024-03': 200, 合计: -30 },
      max: { '2024-01': 100, '2024-02': 120, '2024-03': 200, 合计: 200 },
      median: { '2024-01': 80, '2024-02': 120, '2024-03': 200, 合计: 100 },
      count_distinct: { '2024-01': 2, '2024-02': 2, '2024-03': 1, 合计: 3 },
    })
  })

  it('buckets datetimes in the app time zone (month ends) and dates by day, week, quarter and year', async () => {
    const count = [{ key: 'n', agg: 'count' as const }]
    const months = await pivot({
      source: 'orders',
      rows: [{ field: 'paid_at', bucket: 'month' }],
      measures: count,
    })
    expect(table(months)).toEqual({ '2024-01': { 合计: 2 }, '2024-02': { 合计: 4 }, '2024-03': { 合计: 1 } })
    const weeks = await pivot(
      { source: 'orders', rows: [{ field: 'ordered_on', bucket: 'week' }], measures: count },
      'en',
    )
    expect(weeks.rows.map((r: any) => [r.cells[0].value, weeks.values[weeks.rows.indexOf(r)][0][0]])).toEqual(
      [
        ['2024-01-01', 1],
        ['2024-01-15', 2],
        ['2024-01-29', 1],
        ['2024-02-12', 2],
        ['2024-03-04', 1],
      ],
    )
    const days = await pivot({
      source: 'orders',
      rows: [{ field: 'ordered_on', bucket: 'day' }],
      measures: count,
    })
    expect(table(days)['2024-02-14']).toEqual({ 合计: 2 })
    expect(
      table(
        await pivot({
          source: 'orders',
          rows: [{ field: 'ordered_on', bucket: 'quarter' }],
          measures: count,
        }),
      ),
    ).toEqual({ '2024-Q1': { 合计: 7 } })
    expect(
      table(await pivot({ source: 'orders', rows: [{ field: 'paid_at', bucket: 'year' }], measures: count })),
    ).toEqual({ '2024': { 合计: 7 } })
  })

  it('bins numbers, labels select values, and pivots joined fields with subtotals and a ratio', async () => {
    const bins = await pivot({
      source: 'orders',
      rows: [{ field: 'amount', bin: { width: 100 } }],
      measures: [{ key: 'n', agg: 'count' }],
    })
    expect(table(bins)).toEqual({
      '[-100, 0)': { 合计: 1 },
      '[0, 100)': { 合计: 2 },
      '[100, 200)': { 合计: 3 },
      '[200, 300)': { 合计: 1 },
    })
    const grid = await pivot({
      source: 'orders',
      rows: [{ field: 'customer.store.name' }, { field: 'customer.tier' }],
      columns: [{ field: 'status' }],
      measures: [
        { key: 'revenue', agg: 'sum', field: 'amount' },
        { key: 'n', agg: 'count' },
        { key: 'aov', ratio: ['revenue', 'n'] },
      ],
      totals: { rows: true, columns: true, subtotals: true },
    })
    expect(table(grid)).toEqual({
      '北店 / 会员': { 已支付: 350.5, 合计: 350.5 },
      '北店 / 普通': { 已支付: 80, 已退款: -30, 合计: 50 },
      '北店 小计': { 已支付: 430.5, 已退款: -30, 合计: 400.5 },
      '南店 / 普通': { 已支付: 240, 合计: 240 },
      '南店 小计': { 已支付: 240, 合计: 240 },
      合计: { 已支付: 670.5, 已退款: -30, 合计: 640.5 },
    })
    expect(table(grid, 2)['北店 小计']).toEqual({ 已支付: 107.625, 已退款: -30, 合计: 80.1 })
  })

  it('keeps the top N by a measure and gathers the rest into "others"; drill-downs count what cells count', async () => {
    const spec: PivotSpec = {
      source: 'orders',
      rows: [{ field: 'customer.name' }],
      columns: [{ field: 'ordered_on', bucket: 'month' }],
      measures: [
        { key: 'n', agg: 'count' },
        { key: 'revenue', agg: 'sum', field: 'amount' },
      ],
      top: [{ dimension: 'rows.0', n: 1, by: 'revenue', others: true }],
      totals: { rows: true, columns: true },
    }
    const grid = await pivot(spec, 'en')
    const revenue = table(grid, 1)
    expect(revenue).toEqual({
      A: { '2024-01': 150.5, '2024-03': 200, Total: 350.5 },
      Others: { '2024-01': 80, '2024-02': 210, Total: 290 },
      Total: { '2024-01': 230.5, '2024-02': 210, '2024-03': 200, Total: 640.5 },
    })
    let checked = 0
    for (const [ri, row] of grid.rows.entries()) {
      for (const [ci, column] of grid.columns.entries()) {
        const res = await api.call('POST', '/api/apps/rshop/pivot/drill', {
          spec,
          cell: { rows: row.cells, columns: column.cells, topValues: grid.topValues },
        })
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        expect(res.body.count).toBe(grid.values[ri][ci][0] ?? 0)
        expect(res.body.records.length).toBe(res.body.count)
        checked++
      }
    }
    expect(checked).toBe(12)
  })

  it('drill-down filters on source fields work unchanged in the records API', async () => {
    const spec: PivotSpec = {
      source: 'orders',
      filter: paid,
      rows: [{ field: 'paid_at', bucket: 'month' }],
      columns: [{ field: 'quantity', bin: { width: 2 } }],
      measures: [{ key: 'n', agg: 'count' }],
    }
    const grid = await pivot(spec)
    for (const [ri, row] of grid.rows.entries()) {
      for (const [ci, column] of grid.columns.entries()) {
        const drill = await api.call('POST', '/api/apps/rshop/pivot/drill', {
          spec,
          cell: { rows: row.cells, columns: column.cells },
        })
        const filter = encodeURIComponent(JSON.stringify(drill.body.filter))
        const count = await api.call('GET', `/api/apps/rshop/forms/orders/records/count?filter=${filter}`)
        expect(count.status, JSON.stringify(count.body)).toBe(200)
        const n = typeof count.body === 'number' ? count.body : count.body.count
        expect(n, JSON.stringify(drill.body.filter)).toBe(grid.values[ri][ci][0] ?? 0)
        expect(drill.body.count).toBe(n)
      }
    }
  })

  describe('retention builders', () => {
    it('scores RFM quintiles with ties together and maps Chinese and English segments; no-order customers are not scored', async () => {
      const perCustomer = await pivot(rfmSpec({ where: paid }, { by: 'customer' }))
      const scores = perCustomer.rows.map((r: any) => r.cells.slice(1, 5).map((c: any) => c.value))
      expect(scores).toEqual([
        [4, 4, 4, 'important_value'],
        [1, 1, 1, 'general_winback'],
        [2, 2, 2, 'general_winback'],
      ])
      const segments = table(await pivot(rfmSpec({ where: paid })))
      expect(segments).toEqual({ 重要价值客户: { 合计: 1 }, 一般挽留客户: { 合计: 2 }, 合计: { 合计: 3 } })
      const english = table(await pivot(rfmSpec({ where: paid }, { segments: englishSegments }), 'en'))
      expect(english).toEqual({ Champions: { Total: 1 }, Hibernating: { Total: 2 }, Total: { Total: 3 } })
      // Refunds included: B and C both have two orders, so they share the lowest frequency score.
      const withRefunds = await pivot(rfmSpec({}, { by: 'customer' }))
      expect(withRefunds.rows.map((r: any) => r.cells[2].value)).toEqual([4, 1, 1])
      // B's net monetary value is 50 (80 − 30).
      expect(withRefunds.rows.map((r: any) => r.cells[3].value)).toEqual([4, 1, 2])
    })

    it('filters on related aggregates keep or drop customers without orders exactly as written', async () => {
      // A: 3 paid orders (350.50), B: 80 paid and −30 refunded, C: 2 paid (240), D: no orders.
      const names = async (filter: unknown) => {
        const grid = await pivot({
          source: 'customers',
          related: {
            purchases: {
              form: 'orders',
              via: 'customer',
              values: { count: { agg: 'count' }, amount: { agg: 'sum', field: 'amount' } },
            },
          },
          filter,
          rows: [{ field: 'name' }],
          measures: [{ key: 'n', agg: 'count' }],
        } as PivotSpec)
        return grid.rows.map((r: any) => r.cells[0].value).sort()
      }
      const count = { var: 'purchases.count' }
      const amount = { var: 'purchases.amount' }
      expect(await names({ '>=': [count, 1] })).toEqual(['A', 'B', 'C'])
      expect(await names({ '>': [count, 2] })).toEqual(['A'])
      expect(await names({ '<': [count, 1] })).toEqual(['D'])
      expect(await names({ '==': [count, 0] })).toEqual(['D'])
      expect(await names({ '!': { '==': [count, 0] } })).toEqual(['A', 'B', 'C'])
      expect(await names({ '<=': [amount, 100] })).toEqual(['B', 'D'])
      expect(await names({ and: [{ '>': [amount, 0] }, { '==': [{ var: 'tier' }, 'normal'] }] })).toEqual([
        'B',
        'C',
      ])
      expect(await names({ or: [{ '>=': [count, 1] }, { '==': [{ var: 'tier' }, 'vip'] }] })).toEqual([
        'A',
        'B',
        'C',
        'D',
      ])
    })

    it('computes cohort retention by first-purchase month', async () => {
      const grid = await pivot(cohortSpec({ where: paid }))
      expect(table(grid, 0)).toEqual({ '2024-01': { '0': 2, '2': 1 }, '2024-02': { '0': 1 } })
      expect(table(grid, 1)).toEqual({ '2024-01': { '0': 1, '2': 0.5 }, '2024-02': { '0': 1 } })
    })

    it('computes repurchase, churn, CLV, AOV and new vs returning revenue', async () => {
      const one = (grid: any, key: string) =>
        grid.values[0][0][grid.measures.findIndex((m: any) => m.key === key)]
      const all = await pivot(repurchaseSpec({ where: paid }))
      expect([one(all, 'buyers'), one(all, 'repeaters')]).toEqual([3, 2])
      expect(one(all, 'rate')).toBeCloseTo(2 / 3, 9)
      const spring = await pivot(repurchaseSpec({ where: paid }, { from: '2024-02-01', to: '2024-04-01' }))
      expect([one(spring, 'buyers'), one(spring, 'repeaters'), one(spring, 'rate')]).toEqual([2, 1, 0.5])
      const churn = await pivot(
        churnSpec(
          { where: paid },
          { previous: ['2024-01-01', '2024-02-01'], current: ['2024-02-01', '2024-04-01'] },
        ),
      )
      expect([one(churn, 'active'), one(churn, 'churned'), one(churn, 'rate')]).toEqual([2, 1, 0.5])
      const clv = await pivot(clvSpec({ where: paid }))
      expect([one(clv, 'customers'), one(clv, 'revenue'), one(clv, 'clv')]).toEqual([3, 670.5, 223.5])
      const aov = await pivot(aovSpec({ where: paid }))
      expect(table(aov, 2)).toEqual({
        '2024-01': { 合计: 76.833333 },
        '2024-02': { 合计: 120 },
        '2024-03': { 合计: 200 },
        合计: { 合计: 111.75 },
      })
      const nvr = await pivot(newVsReturningSpec({ where: paid }), 'en')
      expect(table(nvr)).toEqual({
        '2024-01': { New: 230.5, Total: 230.5 },
        '2024-02': { New: 240, Total: 240 },
        '2024-03': { Returning: 200, Total: 200 },
        Total: { New: 470.5, Returning: 200, Total: 670.5 },
      })
    })
  })

  describe('guard and errors', () => {
    it('refuses unknown fields, aggregations and directions with a path', async () => {
      const bad = async (spec: object) => (await api.call('POST', '/api/apps/rshop/pivot', { spec })).body
      expect(
        await bad({ source: 'orders', rows: [{ field: 'nope' }], measures: [{ key: 'n', agg: 'count' }] }),
      ).toMatchObject({
        code: 'PIVOT_INVALID',
        path: 'spec.rows.0.field',
        details: { reason: 'unknown_field' },
      })
      expect(
        await bad({ source: 'orders', measures: [{ key: 'n', agg: 'stddev', field: 'amount' }] }),
      ).toMatchObject({
        path: 'spec.measures.0.agg',
        details: { reason: 'invalid_aggregation' },
      })
      expect(
        await bad({ source: 'orders', measures: [{ key: 'n', agg: 'sum', field: 'status' }] }),
      ).toMatchObject({
        details: { reason: 'type_mismatch' },
      })
      expect(
        await bad({
          source: 'orders',
          rows: [{ field: 'status' }],
          sort: [{ by: 'rows.0', direction: 'desc; drop table x' }],
          measures: [{ key: 'n', agg: 'count' }],
        }),
      ).toMatchObject({ path: 'spec.sort.0.direction', details: { reason: 'invalid_direction' } })
    })

    it('refuses anonymous callers and users who are not members of the app', async () => {
      const spec = { source: 'orders', measures: [{ key: 'n', agg: 'count' }] }
      expect((await api.callAs(undefined, 'POST', '/api/apps/rshop/pivot', { spec })).status).toBe(401)
      const { token } = await api.user({ username: 'clerk' })
      const res = await api.callAs(token, 'POST', '/api/apps/rshop/pivot', { spec })
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('APP_FORBIDDEN')
    })

    it('answers PIVOT_TOO_MANY_DIMENSIONS and PIVOT_TOO_LARGE', async () => {
      const dims = Array.from({ length: 7 }, () => ({ field: 'status' }))
      const res = await api.call('POST', '/api/apps/rshop/pivot', {
        spec: { source: 'orders', rows: dims, measures: [{ key: 'n', agg: 'count' }] },
      })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('PIVOT_TOO_MANY_DIMENSIONS')
      const route = (api.app as any).trellis
      expect(route).toBeDefined()
      const service = (await import('../src/reports/pivot-service.js')).PivotService
      const small = new service(ctx.database.db as never, route.apps, route.records, {
        maxDimensions: 6,
        maxCells: 3,
        statementTimeoutMs: 10_000,
      })
      const published = await small.app('rshop')
      await expect(
        small.pivot(published, {
          spec: {
            source: 'orders',
            rows: [{ field: 'ordered_on', bucket: 'week' }],
            measures: [{ key: 'n', agg: 'count' }],
          },
        }),
      ).rejects.toMatchObject({ code: 'PIVOT_TOO_LARGE', statusCode: 422 })
    })

    // PGlite runs in-process with no timer to cancel a statement, so only PostgreSQL can prove this.
    it.skipIf(ctx.kind === 'pglite')('stops a statement past the timeout with PIVOT_TIMEOUT', async () => {
      await expect(
        runGuarded(ctx.database.db as never, { sql: 'select pg_sleep(2)', parameters: [] }, 50),
      ).rejects.toMatchObject({ code: 'PIVOT_TIMEOUT' })
    })
  })
})
