import { validateRules } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { crmRetentionApp, pairMiningRule } from '../src/index.js'

describe('product pairs (商品搭配) and their weekly mining', () => {
  const app = crmRetentionApp()
  const pairs = app.forms.find((f) => f.key === 'product_pairs')!

  it('has the fields the cross-sell rule reads, with the shop’s defaults', () => {
    const byKey = new Map(pairs.fields.map((f) => [f.key, f]))
    for (const key of ['product', 'recommend']) expect(byKey.get(key)?.relation?.form, key).toBe('products')
    for (const [key, type] of Object.entries({
      product_name: 'text',
      recommend_name: 'text',
      baskets: 'number',
      support: 'number',
      confidence: 'number',
      lift: 'number',
      mined_at: 'datetime',
      enabled: 'boolean',
      days: 'number',
    }))
      expect(byKey.get(key)?.type, key).toBe(type)
    expect(byKey.get('enabled')!.default).toBe(true)
    expect(byKey.get('days')!.default).toBe(3)
    expect(pairs.label).toEqual({ 'zh-CN': '商品搭配', en: 'Product pairs' })
  })

  it('the mining rule passes the rule validation: weekly on Monday 04:00 in Shanghai, paid orders only', () => {
    expect(validateRules([pairMiningRule], app)).toEqual([])
    expect(pairMiningRule.trigger).toEqual({ kind: 'cron', cron: '0 4 * * 1', timeZone: 'Asia/Shanghai' })
    expect(pairMiningRule.actions[0]!.filter).toEqual({ '==': [{ var: 'order.status' }, 'paid'] })
  })

  it('the validation refuses a mining rule whose pairs form lacks a figure field', () => {
    const broken = structuredClone(app)
    const form = broken.forms.find((f) => f.key === 'product_pairs')!
    form.fields = form.fields.filter((f) => f.key !== 'confidence')
    expect(validateRules([pairMiningRule], broken).map((i) => `${i.code}@${i.path}`)).toEqual([
      'UNKNOWN_FIELD@rules.0.actions.0.into.confidence',
    ])
  })

  it('admins manage pairs, store managers read them, clerks do not see them', () => {
    const role = (key: string) => app.roles!.find((r) => r.key === key)!
    expect(role('admin').forms.product_pairs!.actions).toContain('update')
    expect(role('store_manager').forms.product_pairs!.actions).toEqual(['read'])
    expect(role('clerk').forms.product_pairs).toBeUndefined()
  })
})
