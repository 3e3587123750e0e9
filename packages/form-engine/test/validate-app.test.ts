import { describe, it, expect } from 'vitest'
import type { AppDefinition, AppIssue, FieldDef, FormSchema } from '../src/index.js'
import { formMessages, validateApp } from '../src/index.js'
import { crmApp, customers, field, orders, stores, withField } from './crm-app.js'

const appWith = (...forms: FormSchema[]): AppDefinition => ({
  ...crmApp,
  forms: crmApp.forms.map((form) => forms.find((other) => other.key === form.key) ?? form),
})
const pairs = (issues: AppIssue[]) => issues.map((issue) => [issue.path, issue.code])
const label = { en: 'x' }

describe('validateApp', () => {
  it('accepts the CRM app', () => {
    expect(validateApp(crmApp)).toEqual([])
  })

  it('catches invalid, reserved and duplicate keys', () => {
    const broken: FormSchema = {
      ...stores,
      fields: [
        ...stores.fields,
        { key: 'City', type: 'text', label },
        { key: 'created_at', type: 'text', label },
        { key: 'name', type: 'text', label },
        { key: 'a'.repeat(64), type: 'text', label },
      ],
    }
    expect(
      pairs(
        validateApp({
          ...crmApp,
          key: 'CRM!',
          forms: [broken, { ...orders, key: 'stores' }, { ...customers, key: '1x' }],
        }),
      ),
    ).toEqual(
      expect.arrayContaining([
        ['key', 'app.invalid_key'],
        ['forms.0.fields.2.key', 'field.invalid_key'],
        ['forms.0.fields.3.key', 'field.reserved_key'],
        ['forms.0.fields.4.key', 'field.duplicate_key'],
        ['forms.0.fields.5.key', 'field.invalid_key'],
        ['forms.1.key', 'form.duplicate_key'],
        ['forms.2.key', 'form.invalid_key'],
      ]),
    )
  })

  it('catches bad field configs with their paths', () => {
    const broken = {
      ...stores,
      fields: [
        ...stores.fields,
        { key: 'kind', type: 'select', label, options: [] },
        { key: 'price', type: 'decimal', label, scale: -1 },
        { key: 'odd', type: 'hologram', label },
        { key: 'nolabel', type: 'text', label: { en: ' ' } },
        { key: 'level', type: 'select', label, options: [{ value: 'a', label }], default: 'b' },
      ] as FieldDef[],
    }
    expect(pairs(validateApp(appWith(broken)))).toEqual([
      ['forms.0.fields.2.options', 'config.options_required'],
      ['forms.0.fields.3.scale', 'config.invalid_scale'],
      ['forms.0.fields.4.type', 'field.unknown_type'],
      ['forms.0.fields.5.label', 'field.invalid_label'],
      ['forms.0.fields.6.default', 'config.invalid_default'],
    ])
  })

  it('catches relation and rollup targets that do not exist or do not fit', () => {
    const customersBroken = withField(
      withField(
        withField(customers, 'store', { ...field(customers, 'store'), relation: { form: 'shops' } }),
        'order_count',
        {
          ...field(customers, 'order_count'),
          rollup: { form: 'invoices', via: 'customer', aggregate: 'count' },
        },
      ),
      'total_spent',
      {
        ...field(customers, 'total_spent'),
        rollup: { form: 'orders', via: 'paid', aggregate: 'sum', field: 'ordered_at' },
      },
    )
    const lastOrder = field(customers, 'last_order_at')
    const withMissing = withField(customersBroken, 'last_order_at', {
      ...lastOrder,
      rollup: { ...lastOrder.rollup!, field: 'shipped_at' },
    })
    expect(pairs(validateApp(appWith(withMissing)))).toEqual([
      ['forms.1.fields.7.relation.form', 'config.unknown_form'],
      ['forms.1.fields.12.rollup.form', 'config.unknown_form'],
      ['forms.1.fields.13.rollup.via', 'config.rollup_via_mismatch'],
      ['forms.1.fields.13.rollup.field', 'config.rollup_field_not_numeric'],
      ['forms.1.fields.14.rollup.field', 'config.unknown_field'],
    ])
  })

  it('catches conditions and formulas that refer to unknown fields', () => {
    const status = field(customers, 'lost_reason')
    const display = field(customers, 'display_name')
    const spent = field(customers, 'total_spent')
    let form = withField(customers, 'lost_reason', {
      ...status,
      visibleWhen: { '==': [{ var: 'state' }, 'lost'] },
      requiredWhen: { and: [true, { '==': [{ var: 'status' }, 'lost'] }, { var: 'reason_code' }] },
    })
    form = withField(form, 'display_name', { ...display, formula: { cat: [{ var: 'nickname' }] } })
    form = withField(form, 'total_spent', {
      ...spent,
      rollup: { ...spent.rollup!, where: { '==': [{ var: 'state' }, 'paid'] } },
    })
    const issues = validateApp(appWith(form))
    expect(
      issues.map(
        (issue) =>
          /^forms\.\d+\.fields\.\d+\.(visibleWhen|requiredWhen|formula|rollup\.where)/.exec(issue.path)?.[0],
      ),
    ).toEqual([
      'forms.1.fields.10.visibleWhen',
      'forms.1.fields.10.requiredWhen',
      'forms.1.fields.13.rollup.where',
      'forms.1.fields.15.formula',
    ])
    expect(issues.every((issue) => /unknown/.test(issue.code) || /unknown/i.test(issue.message))).toBe(true)
    // the message names the unknown field
    expect(issues[0]?.message).toContain('state')
    expect(issues[1]?.path).toMatch(/^forms\.1\.fields\.10\.requiredWhen\.and\.2/)
  })

  it('accepts JavaScript-only operators in formulas but not in rollup filters, which run in SQL', () => {
    const spent = field(customers, 'total_spent')
    const display = field(customers, 'display_name')
    let form = withField(customers, 'total_spent', {
      ...spent,
      rollup: { ...spent.rollup!, where: { in: ['vip', { cat: ['a', { var: 'paid' }] }] } },
    })
    form = withField(form, 'display_name', { ...display, formula: { frobnicate: [{ var: 'name' }] } })
    const issues = validateApp(appWith(form))
    expect(pairs(issues)).toEqual([
      ['forms.1.fields.13.rollup.where.in.1', 'condition.invalid'],
      ['forms.1.fields.15.formula', 'condition.invalid'],
    ])
    expect(issues[0]?.params).toMatchObject({ ruleCode: 'unsupported_in_sql' })
    expect(issues[1]?.params).toMatchObject({ ruleCode: 'unknown_operator' })
  })

  it('catches an unknown title field and a title pointing at an archived field', () => {
    const archivedTitle = {
      ...stores,
      fields: stores.fields.map((f) => (f.key === 'name' ? { ...f, archived: true } : f)),
    }
    expect(pairs(validateApp(appWith({ ...orders, titleField: 'number' })))).toEqual([
      ['forms.2.titleField', 'form.unknown_title_field'],
    ])
    expect(pairs(validateApp(appWith(archivedTitle)))).toEqual([
      ['forms.0.titleField', 'form.unknown_title_field'],
    ])
  })

  it('only emits codes the message catalogs can localize', () => {
    const broken = {
      ...stores,
      key: 'Bad',
      titleField: 'x',
      fields: [{ key: 'id', type: 'rollup', label: {} }] as FieldDef[],
    }
    for (const issue of validateApp({ ...crmApp, forms: [broken] })) {
      expect(formMessages['zh-CN'][issue.code], issue.code).toBeDefined()
    }
  })
})
