import { describe, expect, it } from 'vitest'
import { planActions, validateRule, type Rule, type RuleAppView } from '../src/index.js'

const app: RuleAppView = {
  forms: [
    {
      key: 'customers',
      fields: [
        { key: 'name', type: 'text' },
        { key: 'r', type: 'number' },
        { key: 'f', type: 'number' },
        { key: 'm', type: 'number' },
        { key: 'segment', type: 'select' },
        { key: 'spent', type: 'rollup', rollup: { aggregate: 'sum' } },
      ],
    },
    {
      key: 'orders',
      fields: [
        { key: 'customer', type: 'relation', relation: { form: 'customers' } },
        { key: 'store', type: 'relation', relation: { form: 'stores' } },
        { key: 'ordered_at', type: 'datetime' },
        { key: 'amount', type: 'currency' },
        { key: 'status', type: 'select' },
        { key: 'note', type: 'text' },
      ],
    },
    { key: 'stores', fields: [{ key: 'name', type: 'text' }] },
  ] as RuleAppView['forms'],
}

const weekly = (action: Record<string, unknown>): Rule => ({
  key: 'rfm_weekly',
  trigger: { kind: 'cron', cron: '30 3 * * 1' },
  actions: [{ type: 'score_rfm', date: 'ordered_at', ...action }],
})

describe('score_rfm', () => {
  it('accepts the CRM shape on a cron rule without a form, and plans its configuration', () => {
    const rule = weekly({
      where: { '==': [{ var: 'status' }, 'paid'] },
      days: 365,
      fields: { recency: 'r', frequency: 'f', monetary: 'm', segment: 'segment' },
    })
    expect(validateRule(rule, app)).toEqual([])
    const [planned] = planActions(rule, { record: {}, context: {} } as never)
    expect(planned?.effect).toMatchObject({
      kind: 'score_rfm',
      config: { days: 365, fields: { recency: 'r' } },
    })
  })

  it('names each wrong form, field and type by its path', () => {
    const issues = validateRule(
      weekly({
        customer: 'store',
        amount: 'note',
        where: { no_such_op: [1] },
        fields: { recency: 'spent', frequency: 'name', segment: 'nope' },
      }),
      app,
    )
    const at = (path: string) => issues.filter((i) => i.path === `actions.0.${path}`).map((i) => i.code)
    expect(at('customer')).toEqual(['WRONG_FIELD_TYPE'])
    expect(at('amount')).toEqual(['WRONG_FIELD_TYPE'])
    expect(at('fields.recency')).toEqual(['FIELD_READ_ONLY'])
    expect(at('fields.frequency')).toEqual(['WRONG_FIELD_TYPE'])
    expect(at('fields.segment')).toEqual(['UNKNOWN_FIELD'])
    expect(issues.some((i) => i.path.startsWith('actions.0.where'))).toBe(true)
    expect(validateRule(weekly({ orders: 'sales', fields: { recency: 'r' } }), app)).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_FORM', path: 'actions.0.orders' }),
    ])
    expect(validateRule(weekly({ fields: {} }), app).length).toBeGreaterThan(0)
  })
})
