/* eslint-disable @typescript-eslint/no-explicit-any -- rows and responses are checked by assertions */
import type { AppDefinition } from '@trellis/form-engine'
import { compilePivot, type CompileOptions, type PivotSpec } from '@trellis/report-engine'
import { CompiledQuery, sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { compactSummaries } from '../src/apps/sync-summaries.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { seededRandom } from './support/seeded-random.js'

/**
 * Form summaries: a pivot answered from a summary's totals must equal the same pivot over the records,
 * row for row, after every kind of write (create, edit of each summarized field, trash, restore, bulk SQL
 * updates, concurrent writers) and after the pending changes are folded in; a republish with another
 * layout rebuilds the summary, and a spec the summary cannot answer reads the records.
 */
const statuses = ['paid', 'refunded', 'open']
const app: AppDefinition = {
  key: 'sumry',
  name: { en: 'Summaries' },
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
        {
          key: 'tier',
          type: 'select',
          label: { en: 'Tier' },
          options: ['a', 'b'].map((v) => ({ value: v, label: { en: v } })),
        },
      ],
    },
    {
      key: 'orders',
      label: { en: 'Orders' },
      summaries: [
        { key: 'daily', dimensions: ['ordered_on', 'store', 'status'], sums: ['amount', 'quantity'] },
        { key: 'by_customer', dimensions: ['customer'], sums: ['amount'] },
        { key: 'by_paid_day', dimensions: ['paid_at', 'status'], sums: ['amount'] },
      ],
      fields: [
        { key: 'customer', type: 'relation', label: { en: 'Customer' }, relation: { form: 'customers' } },
        { key: 'store', type: 'relation', label: { en: 'Store' }, relation: { form: 'stores' } },
        { key: 'amount', type: 'decimal', label: { en: 'Amount' }, scale: 2 },
        { key: 'quantity', type: 'number', integer: true, label: { en: 'Quantity' } },
        { key: 'ordered_on', type: 'date', label: { en: 'Ordered on' } },
        { key: 'paid_at', type: 'datetime', label: { en: 'Paid at' } },
        {
          key: 'status',
          type: 'select',
          label: { en: 'Status' },
          options: statuses.map((v) => ({ value: v, label: { en: v } })),
        },
        { key: 'note', type: 'text', label: { en: 'Note' } },
      ],
    },
  ],
}

const measures3: PivotSpec['measures'] = [
  { key: 'n', agg: 'count' },
  { key: 'revenue', agg: 'sum', field: 'amount' },
  { key: 'aov', agg: 'avg', field: 'amount' },
]

/** Specs a summary answers, with the summary expected to answer each. */
const answerable: Array<{ name: string; summary: string; spec: PivotSpec; options?: CompileOptions }> = [
  {
    name: 'month × store name, subtotals and totals',
    summary: 'daily',
    spec: {
      source: 'orders',
      rows: [{ field: 'ordered_on', bucket: 'month' }],
      columns: [{ field: 'store.name' }],
      measures: measures3,
      totals: { rows: true, columns: true, subtotals: true },
    },
  },
  {
    name: 'paid orders by week: quantity sum, average and count of values, a measure filter, a ratio',
    summary: 'daily',
    spec: {
      source: 'orders',
      filter: { '!=': [{ var: 'status' }, 'open'] },
      rows: [{ field: 'ordered_on', bucket: 'week' }],
      measures: [
        { key: 'n', agg: 'count' },
        { key: 'paid', agg: 'count', where: { '==': [{ var: 'status' }, 'paid'] } },
        { key: 'share', ratio: ['paid', 'n'] },
        { key: 'q', agg: 'sum', field: 'quantity' },
        { key: 'qa', agg: 'avg', field: 'quantity' },
        { key: 'qn', agg: 'count', field: 'quantity' },
      ],
      totals: { rows: true },
    },
  },
  {
    name: 'a KPI without dimensions over a date range',
    summary: 'daily',
    spec: {
      source: 'orders',
      filter: { '>=': [{ var: 'ordered_on' }, '2024-02-01'] },
      measures: measures3,
    },
  },
  {
    name: 'customer tier through the relation, from the per-customer summary',
    summary: 'by_customer',
    spec: {
      source: 'orders',
      rows: [{ field: 'customer.tier' }],
      measures: [
        { key: 'n', agg: 'count' },
        { key: 'revenue', agg: 'sum', field: 'amount' },
      ],
      totals: { rows: true },
    },
  },
  {
    name: 'payments by month in the app zone (a date-time kept as its local day) × status',
    summary: 'by_paid_day',
    spec: {
      source: 'orders',
      rows: [{ field: 'paid_at', bucket: 'month' }],
      columns: [{ field: 'status' }],
      measures: measures3,
      totals: { rows: true, columns: true },
    },
  },
  {
    name: 'a viewer whose row scope is one store',
    summary: 'daily',
    spec: { source: 'orders', rows: [{ field: 'status' }], measures: measures3, totals: { rows: true } },
    options: { rowScope: { '==': [{ var: 'store' }, '1'] } },
  },
]

/** Specs no summary holds: they must read the records (and still answer). */
const unanswerable: Array<{ name: string; spec: PivotSpec; options?: CompileOptions }> = [
  {
    name: 'a maximum',
    spec: {
      source: 'orders',
      rows: [{ field: 'status' }],
      measures: [{ key: 'top', agg: 'max', field: 'amount' }],
    },
  },
  {
    name: 'a distinct count by a field of another summary',
    spec: {
      source: 'orders',
      rows: [{ field: 'ordered_on', bucket: 'month' }],
      measures: [{ key: 'buyers', agg: 'count_distinct', field: 'customer' }],
    },
  },
  {
    name: 'a filter on a field no summary has',
    spec: {
      source: 'orders',
      filter: { '==': [{ var: 'note' }, 'vip'] },
      measures: [{ key: 'n', agg: 'count' }],
    },
  },
  {
    name: 'a row scope on a field no summary has',
    spec: { source: 'orders', rows: [{ field: 'status' }], measures: [{ key: 'n', agg: 'count' }] },
    options: { rowScope: { '!=': [{ var: 'note' }, 'hidden'] } },
  },
  {
    name: 'a date-time filtered to the minute',
    spec: {
      source: 'orders',
      rows: [{ field: 'paid_at', bucket: 'day' }],
      filter: { '>=': [{ var: 'paid_at' }, '2024-02-01T00:00:00+08:00'] },
      measures: [{ key: 'n', agg: 'count' }],
    },
  },
  {
    name: 'a date-time as a value, not a bucket',
    spec: { source: 'orders', rows: [{ field: 'paid_at' }], measures: [{ key: 'n', agg: 'count' }] },
  },
  {
    name: 'a top-N',
    spec: {
      source: 'orders',
      rows: [{ field: 'store' }],
      measures: [{ key: 'n', agg: 'count' }],
      top: [{ dimension: 'rows.0', n: 2, others: true }],
    },
  },
]

describeEachDatabase('reports: form summaries answer pivots exactly as the records do', (ctx) => {
  const api = useApi(ctx)
  const rnd = seededRandom(7)
  let schemaName = ''
  let definition: AppDefinition
  const stores: string[] = []
  const customers: string[] = []

  const db = () => ctx.database.db as any
  const published = async () => {
    const p = await api.app.trellis.apps.requirePublished('sumry')
    schemaName = p.schema
    definition = p.definition
  }
  const run = async (spec: PivotSpec, options: CompileOptions = {}) => {
    const compiled = compilePivot(spec, { app: definition, dbSchema: schemaName }, options)
    const { rows } = await db().executeQuery(CompiledQuery.raw(compiled.sql, [...compiled.parameters]))
    return { summary: compiled.meta.summary, rows: rows.map((r: any) => JSON.stringify(r)).sort() }
  }
  /** Every answerable spec equals its records-only answer, and was answered by the expected summary. */
  const expectAgreement = async (when: string) => {
    for (const { name, summary, spec, options } of answerable) {
      const fromSummary = await run(spec, options)
      const fromRecords = await run(spec, { ...options, summaries: false })
      expect(fromSummary.summary, `${when}: ${name}`).toBe(summary)
      expect(fromRecords.summary).toBeUndefined()
      expect(fromSummary.rows, `${when}: ${name}`).toEqual(fromRecords.rows)
      expect(fromRecords.rows.length, `${when}: ${name} has rows`).toBeGreaterThan(0)
    }
  }
  const create = async (form: string, records: object[]) => {
    const res = await api.call('POST', `/api/apps/sumry/forms/${form}/records/bulk`, {
      records: records.map((values) => ({ values })),
    })
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201)
    return res.body.records as Array<{ id: string; version: number }>
  }
  const order = () => ({
    customer: rnd.pick(customers),
    ...(rnd.next() < 0.9 ? { store: rnd.pick(stores) } : {}),
    ...(rnd.next() < 0.9 ? { amount: ((rnd.int(40000) - 2000) / 100).toFixed(2) } : {}),
    ...(rnd.next() < 0.8 ? { quantity: 1 + rnd.int(5) } : {}),
    ordered_on: `2024-0${1 + rnd.int(3)}-${String(1 + rnd.int(28)).padStart(2, '0')}`,
    ...(rnd.next() < 0.9 ? { status: rnd.pick(statuses) } : {}),
    ...(rnd.next() < 0.3 ? { note: 'vip' } : {}),
    // Around midnight in Shanghai, so a UTC day and the local day differ at month ends.
    ...(rnd.next() < 0.85 ? { paid_at: paidAt() } : {}),
  })
  const paidAt = () =>
    new Date(Date.UTC(2024, rnd.int(3), 1 + rnd.int(31), 14 + rnd.int(4), rnd.int(60))).toISOString()
  const orders: Array<{ id: string; version: number }> = []

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/sumry/publish', {})).status).toBe(200)
    await published()
    stores.push(
      ...(
        await create(
          'stores',
          ['东', '西', '南'].map((name) => ({ name })),
        )
      ).map((r) => r.id),
    )
    customers.push(
      ...(
        await create(
          'customers',
          Array.from({ length: 12 }, (_, i) => ({ tier: i % 3 ? 'a' : 'b' })),
        )
      ).map((r) => r.id),
    )
    // Orders written before the summaries exist are in them from the first publish that has them.
    orders.push(...(await create('orders', Array.from({ length: 150 }, order))))
  })

  it('holds every record created after it was published', async () => {
    await expectAgreement('after the first writes')
    orders.push(...(await create('orders', Array.from({ length: 150 }, order))))
    await expectAgreement('after more creates')
  })

  it('follows edits of every summarized field, the trash and restores', async () => {
    for (let i = 0; i < 50; i++) {
      const target = orders[rnd.int(orders.length)]!
      const values = [
        { status: rnd.pick(statuses) },
        { amount: (rnd.int(10000) / 100).toFixed(2) },
        { amount: null },
        { quantity: rnd.int(9) },
        { store: rnd.pick(stores) },
        { ordered_on: '2024-03-15' },
        { customer: rnd.pick(customers) },
        { note: 'edited' },
        { paid_at: paidAt() },
        { paid_at: null },
      ][i % 10]!
      const res = await api.call('PATCH', `/api/apps/sumry/forms/orders/records/${target.id}`, {
        version: target.version,
        values,
      })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      target.version = res.body.version
    }
    await expectAgreement('after edits')
    const trashed = orders.splice(0, 30)
    for (const o of trashed) {
      const res = await api.call('DELETE', `/api/apps/sumry/forms/orders/records/${o.id}`)
      expect(res.status).toBe(200)
    }
    await expectAgreement('after trashing')
    for (const o of trashed.slice(0, 10)) {
      const res = await api.call('POST', `/api/apps/sumry/forms/orders/records/${o.id}/restore`)
      expect(res.status).toBe(200)
    }
    await expectAgreement('after restoring')
  })

  it('follows set-based SQL writes and hard deletes, and folds its pending changes in without changing an answer', async () => {
    const t = (name: string) => sql.table(`${schemaName}.${name}`)
    await sql`update ${t('orders')} set amount = amount * 2, status = 'paid' where id % 3 = 0`.execute(db())
    await sql`delete from ${t('orders')} where id % 17 = 0`.execute(db())
    await expectAgreement('after SQL updates and deletes')
    await compactSummaries(db(), schemaName, definition)
    const pending = await sql<{ n: string }>`select count(*) as n from ${t('orders__sd_daily')}`.execute(db())
    expect(Number(pending.rows[0]!.n)).toBe(0)
    // A (day, store, status) whose records are all gone leaves no total behind.
    const zero = await sql<{
      n: string
    }>`select count(*) as n from ${t('orders__s_daily')} where __n = 0`.execute(db())
    expect(Number(zero.rows[0]!.n)).toBe(0)
    await expectAgreement('after folding')
  })

  it('stays exact under concurrent writers touching the same totals', async () => {
    const before = orders.length
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const created = await create(
          'orders',
          Array.from({ length: 20 }, () => ({ ...order(), ordered_on: '2024-01-10', store: stores[0] })),
        )
        orders.push(...created)
      }),
    )
    expect(orders.length).toBe(before + 120)
    await expectAgreement('after concurrent creates')
  })

  it('reads the records for what no summary holds', async () => {
    for (const { name, spec, options } of unanswerable) {
      const result = await run(spec, options)
      expect(result.summary, name).toBeUndefined()
      expect(result.rows.length, name).toBeGreaterThan(0)
    }
  })

  it('answers the pivot API from the summary and says which', async () => {
    const res = await api.call('POST', '/api/apps/sumry/pivot', { spec: answerable[0]!.spec })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.summary).toBe('daily')
    const records = await api.call('POST', '/api/apps/sumry/pivot', { spec: unanswerable[0]!.spec })
    expect(records.status).toBe(200)
    expect(records.body.summary).toBeUndefined()
  })

  describe('republishing', () => {
    it('rebuilds a summary whose layout changed, drops one removed, and refuses a bad one', async () => {
      const draft = structuredClone(app)
      const orderForm = draft.forms.find((f) => f.key === 'orders')!
      orderForm.summaries = [
        { key: 'daily', dimensions: ['ordered_on', 'store', 'status', 'customer'], sums: ['amount'] },
      ]
      expect((await api.call('PUT', '/api/apps/sumry/draft', draft)).status).toBe(200)
      const res = await api.call('POST', '/api/apps/sumry/publish', {})
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      await published()
      const tables = await sql<{ name: string }>`
        select table_name as name from information_schema.tables where table_schema = ${schemaName}
        and table_name like 'orders\\_\\_%' order by 1`.execute(db())
      expect(tables.rows.map((r) => r.name)).toEqual(['orders__s_daily', 'orders__sd_daily'])
      const spec = answerable[0]!.spec
      const fromSummary = await run(spec)
      expect(fromSummary.summary).toBe('daily')
      expect(fromSummary.rows).toEqual((await run(spec, { summaries: false })).rows)

      orderForm.summaries = [{ key: 'bad', dimensions: ['note', 'amount'], sums: ['status'] }]
      const bad = await api.call('PUT', '/api/apps/sumry/draft', draft)
      const refused = bad.status === 200 ? await api.call('POST', '/api/apps/sumry/publish', {}) : bad
      expect(refused.status).toBe(400)
      expect(JSON.stringify(refused.body)).toContain('summary.sums_type')
    })
  })
})
