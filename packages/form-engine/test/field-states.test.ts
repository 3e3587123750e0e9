import { describe, it, expect } from 'vitest'
import { compileFormValidator, computeFormulas, fieldStates } from '../src/index.js'
import { customers, orders } from './crm-app.js'

describe('fieldStates', () => {
  it('hides fields whose visibleWhen is false, and a hidden field is never required', () => {
    const normal = fieldStates(customers, { level: 'normal', status: 'active' })
    expect(normal.vip_since).toEqual({ visible: false, required: false })
    expect(normal.lost_reason).toEqual({ visible: false, required: false })
    expect(normal.name).toEqual({ visible: true, required: true })
    expect(normal.email).toEqual({ visible: true, required: false })

    const vip = fieldStates(customers, { level: 'vip', status: 'lost' })
    expect(vip.vip_since).toEqual({ visible: true, required: true })
    expect(vip.lost_reason).toEqual({ visible: true, required: true })
  })

  it('reads the condition context', () => {
    const form = {
      ...orders,
      fields: [{ ...orders.fields[1]!, visibleWhen: { '==': [{ var: '$user.role' }, 'manager'] } }],
    }
    expect(fieldStates(form, {}, { user: { role: 'manager' } }).amount?.visible).toBe(true)
    expect(fieldStates(form, {}, { user: { role: 'clerk' } }).amount?.visible).toBe(false)
  })
})

describe('validation with conditional fields', () => {
  const validate = compileFormValidator(customers)

  it('requires a field only while requiredWhen holds on the merged record', () => {
    expect(validate({ name: '王五', status: 'active' }, { mode: 'create' })).toMatchObject({ ok: true })
    expect(validate({ name: '王五', status: 'lost' }, { mode: 'create' })).toMatchObject({
      ok: false,
      errors: [{ path: 'lost_reason', code: 'field.required' }],
    })
    expect(validate({ name: '王五', status: 'lost', lost_reason: '搬家' }, { mode: 'create' })).toMatchObject(
      { ok: true },
    )
  })

  it('on update, judges requiredWhen against the stored record merged with the patch', () => {
    const existing = { name: '王五', status: 'active', lost_reason: null }
    expect(validate({ status: 'lost' }, { mode: 'update', existing })).toMatchObject({
      ok: false,
      errors: [{ path: 'lost_reason', code: 'field.required' }],
    })
    expect(
      validate({ status: 'lost' }, { mode: 'update', existing: { ...existing, lost_reason: '搬家' } }),
    ).toEqual({
      ok: true,
      value: { status: 'lost' },
    })
  })

  it('requires an always-required but conditionally visible field only when it shows', () => {
    expect(validate({ name: '赵六', level: 'normal' }, { mode: 'create' })).toMatchObject({ ok: true })
    expect(validate({ name: '赵六', level: 'vip' }, { mode: 'create' })).toMatchObject({
      ok: false,
      errors: [{ path: 'vip_since', code: 'field.required' }],
    })
  })
})

describe('computeFormulas', () => {
  it('computes text and exact decimal formulas from the record', () => {
    expect(computeFormulas(customers, { name: '张三', level: 'vip' }).display_name).toBe('张三 (vip)')
    expect(computeFormulas(orders, { amount: '100.00', discount: '15.00' }).net).toBe('85.00')
    // 10.05 × 0.5 = 5.025: rounded half-up to the scale, as a cashier would
    expect(computeFormulas(orders, { amount: '10.05', discount: '50.00' }).net).toBe('5.03')
  })

  it('leaves the input record untouched and yields null for results that do not fit', () => {
    const record = { amount: 'abc', discount: '0' }
    expect(computeFormulas(orders, record).net).toBeNull()
    expect(record).toEqual({ amount: 'abc', discount: '0' })
  })
})
