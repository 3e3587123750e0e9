import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const base = '/api/apps/crm/forms'

/** A rule's `aggregates`: checked with paths inside the rule, and bound as `$name.value` for dry runs too. */
describeEachDatabase('Rules: aggregates over related records', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2026-06-10T02:00:00Z')
  let customer: string

  beforeAll(async () => {
    api.app.automation.clock = clock
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).status).toBe(201)
    const store = (
      await api.call('POST', `${base}/stores/records`, {
        values: { code: 'S1', name: '店', city: 'shanghai' },
      })
    ).body.id
    customer = (await api.call('POST', `${base}/customers/records`, { values: { name: '甲', store } })).body
      .id
    for (const [at, amount] of [
      ['2026-05-01T10:00:00+08:00', '80.00'],
      ['2026-06-01T10:00:00+08:00', '100.00'],
      ['2026-06-09T10:00:00+08:00', '250.00'],
    ])
      expect(
        (
          await api.call('POST', `${base}/orders/records`, {
            values: { customer, store, ordered_at: at, amount, status: 'paid' },
          })
        ).status,
      ).toBe(201)
  })

  const rule = (aggregates: unknown, condition: unknown = true) => ({
    trigger: { kind: 'manual', form: 'customers' },
    aggregates,
    condition,
    actions: [{ type: 'set_fields', values: { note: { cat: ['30 天 ', { var: '$recent.n' }, ' 单'] } } }],
  })
  const recent = {
    form: 'orders',
    via: 'customer',
    filter: { '>=': [{ var: 'ordered_at' }, { date_add: [{ now: [] }, -30, 'days'] }] },
    values: {
      n: { agg: 'count' },
      spent: { agg: 'sum', field: 'amount' },
      last: { agg: 'max', field: 'ordered_at' },
    },
  }

  it('refuses bad aggregates with a path inside the rule', async () => {
    const put = (body: unknown) => api.call('PUT', '/api/apps/crm/draft/rules/agg_check', body)
    const cases: Array<[unknown, unknown, string, string]> = [
      [{ recent: { ...recent, form: 'nope' } }, true, 'UNKNOWN_FORM', 'aggregates.recent.form'],
      [{ recent: { ...recent, via: 'store' } }, true, 'NOT_A_RELATION', 'aggregates.recent.via'],
      [{ before: recent }, true, 'BAD_KEY', 'aggregates.before'],
      // A path must lead to the trigger's form; its values are checked like a report's measures.
      [
        { lines: { form: 'order_lines', via: 'order.store', values: { n: { agg: 'count' } } } },
        true,
        'NOT_A_RELATION',
        'aggregates.lines.via',
      ],
      [
        {
          lines: {
            form: 'order_lines',
            via: 'order.customer',
            values: { n: { agg: 'sum', field: 'product.nope' } },
          },
        },
        true,
        'UNKNOWN_FIELD',
        'aggregates.lines.values.n.field',
      ],
      [{ recent }, { '>': [{ var: '$recent.total' }, 1] }, 'UNKNOWN_AGGREGATE_VALUE', 'condition.>.0.var'],
    ]
    for (const [aggregates, condition, code, path] of cases) {
      const res = await put(rule(aggregates, condition))
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.details).toContainEqual(expect.objectContaining({ code, path }))
    }
    // A condition over aggregates on a manual rule needs no SQL form: it is checked per record.
    const ok = await put(rule({ recent }, { '>=': [{ var: '$recent.n' }, 2] }))
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
  })

  it('binds the values for the condition and the actions of a dry run, at the injected clock', async () => {
    const draft = rule({ recent }, { '>=': [{ var: '$recent.n' }, 2] })
    expect((await api.call('PUT', '/api/apps/crm/draft/rules/agg_check', draft)).status).toBe(200)
    expect((await api.call('POST', '/api/apps/crm/publish', {})).status).toBeLessThan(300)
    const dry = async () =>
      (await api.call('POST', '/api/apps/crm/rules/agg_check/dry-run', { recordId: customer })).body
    // 10 June: the 1 and 9 June orders are within 30 days (the 1 May one is not).
    const first = await dry()
    expect(first.records).toHaveLength(1)
    expect(JSON.stringify(first.records[0].actions)).toContain('30 天 2 单')
    // 2 July: only the 9 June order is left, so the condition is false.
    clock.set('2026-07-02T02:00:00Z')
    expect((await dry()).records).toEqual([])
  })
})
