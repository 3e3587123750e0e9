import { describe, it, expect } from 'vitest'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { compileFormValidator, formMessages, formatFieldError, toJsonSchema } from '../src/index.js'
import type { FormSchema } from '../src/index.js'
import { orders } from './crm-app.js'

const contacts: FormSchema = {
  key: 'contacts',
  label: { 'zh-CN': '联系人', en: 'Contacts' },
  fields: [
    { key: 'name', type: 'text', label: { en: 'Name' }, required: true, maxLength: 10 },
    { key: 'phone', type: 'phone', label: { en: 'Phone' } },
    { key: 'tags', type: 'tags', label: { en: 'Tags' } },
    { key: 'balance', type: 'decimal', label: { en: 'Balance' }, scale: 2, default: '0' },
    { key: 'birthday', type: 'date', label: { en: 'Birthday' } },
    { key: 'code', type: 'auto_number', label: { en: 'Code' } },
    { key: 'old', type: 'text', label: { en: 'Old' }, archived: true, archivedColumn: '_archived_old_1' },
  ],
}

describe('compileFormValidator', () => {
  const validate = compileFormValidator(contacts)

  it('normalizes values and applies defaults on create', () => {
    expect(
      validate(
        { name: ' 李四 ', phone: '+86-138-0013-8000', tags: [' vip', 'vip'], birthday: '1990-05-01' },
        { mode: 'create' },
      ),
    ).toEqual({
      ok: true,
      value: {
        name: '李四',
        phone: '+8613800138000',
        tags: ['vip'],
        balance: '0.00',
        birthday: '1990-05-01',
      },
    })
  })

  it('reports unknown, read-only, system and archived fields', () => {
    const result = validate(
      { name: 'x', nickname: 'y', code: 'C1', version: 3, old: 'z' },
      { mode: 'create' },
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.map((error) => [error.path, error.code])).toEqual([
      ['nickname', 'field.unknown'],
      ['version', 'field.read_only'],
      ['old', 'field.unknown'],
      ['code', 'field.read_only'],
    ])
  })

  it('addresses errors inside arrays with dotted paths', () => {
    const result = validate({ name: 'x', tags: ['ok', 'fine', 42] }, { mode: 'create' })
    expect(result).toMatchObject({ ok: false, errors: [{ path: 'tags.2', code: 'field.invalid_type' }] })
  })

  it('judges a form without conditions as it judges the same form through its field states', () => {
    // A form with no visibleWhen/requiredWhen skips evaluating field states per record; a condition that
    // always holds sends the same form down the general path, which must give the same answers.
    const general = compileFormValidator({
      ...contacts,
      fields: contacts.fields.map((f) =>
        f.key === 'birthday' ? { ...f, visibleWhen: { '==': [1, 1] } } : f,
      ),
    })
    const existing = { name: '张三', phone: '+8613800138000', balance: '1.00' }
    const inputs: unknown[] = [
      {},
      { name: '' },
      { name: '  ', phone: 'x', balance: 'abc', birthday: '2026-02-30' },
      { name: '李四', code: 'C-1', id: '1', nope: 1 },
      { name: 'far too long a name', tags: 'vip', balance: 1.005 },
      { phone: null, name: null },
      { phone: '139 0000 0000', birthday: '2026-01-05' },
    ]
    for (const input of inputs) {
      expect(validate(input, { mode: 'create' })).toEqual(general(input, { mode: 'create' }))
      for (const stored of [undefined, existing, {}])
        expect(validate(input, { mode: 'update', existing: stored })).toEqual(
          general(input, { mode: 'update', existing: stored }),
        )
    }
  })

  it('requires required fields on create, and only given fields on update', () => {
    expect(validate({ phone: '13800138000' }, { mode: 'create' })).toMatchObject({
      ok: false,
      errors: [{ path: 'name', code: 'field.required' }],
    })
    expect(validate({ phone: '13800138000' }, { mode: 'update' })).toEqual({
      ok: true,
      value: { phone: '+8613800138000' },
    })
    expect(validate({ name: '  ' }, { mode: 'update' })).toMatchObject({
      ok: false,
      errors: [{ path: 'name', code: 'field.required' }],
    })
    expect(validate({ phone: null }, { mode: 'update' })).toEqual({ ok: true, value: { phone: null } })
  })

  it('gives one error per bad value with a code and an English message', () => {
    const result = validate(
      { name: 'abcdefghijk', phone: '123', balance: '1.234', birthday: '2023-02-29' },
      { mode: 'create' },
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      { path: 'name', code: 'field.too_long', params: { max: 10 }, message: 'At most 10 characters' },
      { path: 'phone', code: 'field.invalid_phone', message: 'Enter a valid phone number' },
      {
        path: 'balance',
        code: 'field.too_many_decimals',
        params: { scale: 2 },
        message: 'At most 2 digits after the decimal point',
      },
      { path: 'birthday', code: 'field.invalid_date', message: 'Enter a valid date (YYYY-MM-DD)' },
    ])
    expect(result.errors.map((error) => formatFieldError(error, 'zh-CN'))).toEqual([
      '长度不能超过 10 个字符',
      '请输入有效的电话号码',
      '小数位数不能超过 2 位',
      '请输入有效的日期（YYYY-MM-DD）',
    ])
  })

  it('refuses input that is not an object', () => {
    expect(validate([1], { mode: 'create' })).toMatchObject({
      ok: false,
      errors: [{ path: '', code: 'record.not_object' }],
    })
  })

  it('compiles once per form object', () => {
    expect(compileFormValidator(contacts)).toBe(validate)
    expect(compileFormValidator({ ...contacts })).not.toBe(validate)
  })
})

describe('toJsonSchema', () => {
  const ajv = addFormats(new Ajv({ allErrors: true }))

  it('describes writable input for ajv, required only on create', () => {
    const create = toJsonSchema(contacts, { mode: 'create' })
    expect(create.required).toEqual(['name'])
    expect(Object.keys(create.properties as object)).toEqual(['name', 'phone', 'tags', 'balance', 'birthday'])
    expect(toJsonSchema(contacts, { mode: 'update' }).required).toBeUndefined()
    const check = ajv.compile(create)
    expect(check({ name: 'a', balance: 12.5, tags: null })).toBe(true)
    expect(check({ name: 'a', code: 'x' })).toBe(false)
    expect(check({ balance: '1' })).toBe(false)
  })

  it('describes stored records with system fields and exact decimals as strings', () => {
    const check = ajv.compile(toJsonSchema(orders, { mode: 'record' }))
    const record = {
      id: '7',
      created_at: '2024-05-01T00:00:00.000Z',
      updated_at: '2024-05-01T00:00:00.000Z',
      created_by: 'u1',
      updated_by: null,
      version: 1,
      deleted_at: null,
      customer: '3',
      amount: '12.50',
      paid: true,
      ordered_at: null,
      quantity: 2,
      discount: null,
      net: '12.50',
    }
    expect(check(record)).toBe(true)
    expect(check({ ...record, amount: 12.5 })).toBe(false)
  })
})

describe('message catalogs', () => {
  it('have a Chinese and an English text for the same codes', () => {
    expect(Object.keys(formMessages['zh-CN']).sort()).toEqual(Object.keys(formMessages.en).sort())
    expect(Object.keys(formMessages)[0]).toBe('zh-CN')
  })

  it('fills parameters and falls back to the error message for foreign codes', () => {
    expect(formatFieldError({ code: 'field.too_many_items', params: { max: 3 } }, 'en')).toBe(
      'At most 3 items',
    )
    expect(formatFieldError({ code: 'other.code', message: 'from elsewhere' }, 'zh-CN')).toBe(
      'from elsewhere',
    )
  })
})
