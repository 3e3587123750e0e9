import { describe, expect, it } from 'vitest'
import { planSummaries, validateApp, type AppDefinition } from '../src/index.js'

const app = (summaries: unknown): AppDefinition => ({
  key: 'shop',
  name: { en: 'Shop' },
  forms: [
    {
      key: 'stores',
      label: { en: 'Stores' },
      fields: [{ key: 'name', type: 'text', label: { en: 'Name' } }],
    },
    {
      key: 'orders',
      label: { en: 'Orders' },
      summaries: summaries as never,
      fields: [
        { key: 'store', type: 'relation', label: { en: 'Store' }, relation: { form: 'stores' } },
        { key: 'amount', type: 'currency', label: { en: 'Amount' }, scale: 2 },
        { key: 'paid_at', type: 'datetime', label: { en: 'Paid at' } },
        { key: 'tags', type: 'tags', label: { en: 'Tags' } },
        { key: 'ordered_on', type: 'date', label: { en: 'Ordered on' } },
      ],
    },
  ],
})

describe('form summaries', () => {
  it('plans the totals table, the changes table and the trigger function beside the form table', () => {
    const good = app([{ key: 'daily', dimensions: ['ordered_on', 'store'], sums: ['amount'] }])
    expect(validateApp(good)).toEqual([])
    const [plan] = planSummaries(good.forms[1]!, good)
    expect(plan).toMatchObject({
      source: 'orders',
      table: 'orders__s_daily',
      deltaTable: 'orders__sd_daily',
      fn: 'orders__sf_daily',
      dimensions: [
        { field: 'ordered_on', column: 'ordered_on', sqlType: 'date' },
        { field: 'store', column: 'store', sqlType: 'bigint' },
      ],
      sums: [{ field: 'amount', column: 'amount', countColumn: '__c_amount' }],
      timeZone: 'Asia/Shanghai',
    })
  })

  it('keeps a date-time dimension as its local day in the app zone, and rebuilds when the zone changes', () => {
    const shop = app([{ key: 'paid', dimensions: ['paid_at'] }])
    expect(validateApp(shop)).toEqual([])
    const [plan] = planSummaries(shop.forms[1]!, shop)
    expect(plan!.dimensions).toEqual([
      { field: 'paid_at', column: 'paid_at', sqlType: 'date', localDay: true },
    ])
    const elsewhere = { ...shop, timeZone: 'Europe/Berlin' }
    const [moved] = planSummaries(elsewhere.forms[1]!, elsewhere)
    expect(moved!.timeZone).toBe('Europe/Berlin')
    expect(moved!.fingerprint).not.toBe(plan!.fingerprint)
  })

  it('refuses unknown fields, fields a summary cannot group by or sum, and repeated keys, each with its path', () => {
    const issues = validateApp(
      app([
        { key: 'a', dimensions: ['amount', 'tags', 'nope'], sums: ['store'] },
        { key: 'a', dimensions: [] },
        { key: 'Bad', dimensions: ['store', 'store'] },
      ]),
    ).map((i) => `${i.path} ${i.code}`)
    expect(issues).toEqual([
      'forms.1.summaries.0.dimensions.1 summary.dimensions_type',
      'forms.1.summaries.0.dimensions.2 config.unknown_field',
      'forms.1.summaries.0.sums.0 summary.sums_type',
      'forms.1.summaries.1.key summary.duplicate_key',
      'forms.1.summaries.1.dimensions summary.dimension_count',
      'forms.1.summaries.2.key summary.invalid_key',
      'forms.1.summaries.2.dimensions.1 summary.duplicate_field',
    ])
  })
})
