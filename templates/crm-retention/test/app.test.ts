import {
  compileFormValidator,
  computeFormulas,
  planAppMigration,
  validateApp,
  type FieldDef,
} from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import { crmRetentionApp, pipelineStages } from '../src/index.js'

describe('the CRM retention app definition', () => {
  const app = crmRetentionApp()

  it('is a valid app whose first publish creates one table per form', () => {
    expect(validateApp(app)).toEqual([])
    const steps = planAppMigration(undefined, app)
    expect(
      steps
        .filter((s) => s.kind === 'create_table')
        .map((s) => s.form)
        .sort(),
    ).toEqual(app.forms.map((f) => f.key).sort())
    expect(steps.some((s) => s.lossy)).toBe(false)
  })

  it('holds every form of the issue', () => {
    expect(app.key).toBe('crm')
    expect(app.forms.map((f) => f.key)).toEqual([
      'stores',
      'customers',
      'products',
      'orders',
      'order_lines',
      // Product pairs mined from the order lines (read by the cross-sell rule).
      'product_pairs',
      'tickets',
      'surveys',
      'tasks',
      'coupons',
      'points_ledger',
      'opportunities',
      // The stage history the pipeline report reads (written by rules).
      'opportunity_stage_changes',
    ])
  })

  it('labels every form, field and option in Chinese and English', () => {
    const missing: string[] = []
    const check = (path: string, label: Record<string, string> | undefined) => {
      if (!label?.['zh-CN'] || !label.en) missing.push(path)
    }
    check('name', app.name)
    for (const form of app.forms) {
      check(form.key, form.label)
      for (const field of form.fields) {
        check(`${form.key}.${field.key}`, field.label)
        for (const option of field.options ?? [])
          check(`${form.key}.${field.key}.${option.value}`, option.label)
      }
    }
    expect(missing).toEqual([])
  })

  it('keeps the customer file the issue lists, with purchase history as rollups over paid orders', () => {
    const customers = app.forms.find((f) => f.key === 'customers')!
    const byKey = new Map<string, FieldDef>(customers.fields.map((f) => [f.key, f]))
    for (const key of [
      'name',
      'phone',
      'wechat_id',
      'birthday',
      'gender',
      'city',
      'source',
      'account_manager',
    ]) {
      expect(byKey.has(key), key).toBe(true)
    }
    expect(byKey.get('phone')).toMatchObject({ type: 'phone', unique: true, pii: true })
    expect(byKey.get('store')).toMatchObject({ type: 'relation', relation: { form: 'stores' } })
    expect(byKey.get('tier')!.options!.map((o) => o.value)).toEqual(['S', 'A', 'B', 'C'])
    for (const key of [
      'first_purchase_at',
      'last_purchase_at',
      'order_count',
      'total_spent',
      'avg_order_value',
    ]) {
      expect(byKey.get(key)).toMatchObject({ type: 'rollup', rollup: { form: 'orders', via: 'customer' } })
    }
    expect(byKey.get('points_balance')).toMatchObject({ rollup: { form: 'points_ledger', aggregate: 'sum' } })
    expect(byKey.get('avg_days_between')).toMatchObject({ type: 'formula', resultType: 'decimal' })
  })

  it('computes the average days between purchases from the rollups', () => {
    const customers = app.forms.find((f) => f.key === 'customers')!
    const compute = (values: Record<string, unknown>) => computeFormulas(customers, values).avg_days_between
    // 2025-01-01 → 2025-03-02 is 60 days over 3 gaps between 4 purchases.
    expect(
      compute({
        order_count: 4,
        first_purchase_at: '2025-01-01T02:00:00.000Z',
        last_purchase_at: '2025-03-02T10:00:00.000Z',
      }),
    ).toBe('20.0')
    expect(
      compute({
        order_count: 1,
        first_purchase_at: '2025-01-01T02:00:00.000Z',
        last_purchase_at: '2025-01-01T02:00:00.000Z',
      }),
    ).toBe(null)
  })

  it('walks opportunities through the five pipeline stages in order, and refuses a loss without a reason', () => {
    expect(pipelineStages.map((s) => s.label['zh-CN'])).toEqual([
      '线索',
      '初步沟通',
      '方案演示',
      '报价谈判',
      '成交签约',
      '输单',
    ])
    const opportunities = app.forms.find((f) => f.key === 'opportunities')!
    const validate = compileFormValidator(opportunities)
    const lost = validate({ title: '年会蛋糕', customer: '1', stage: 'lost' }, { mode: 'create' })
    expect(lost.ok).toBe(false)
    expect(lost.ok ? [] : lost.errors.map((e) => e.path)).toEqual(['lost_reason'])
  })

  it('returns a fresh copy each time', () => {
    const a = crmRetentionApp()
    a.forms[0]!.label['zh-CN'] = '改了'
    expect(crmRetentionApp().forms[0]!.label['zh-CN']).toBe('门店')
  })
})
