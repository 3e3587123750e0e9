import { describe, it, expect } from 'vitest'
import type { FieldDef, FieldType } from '../src/index.js'
import {
  fieldTypes,
  formatAutoNumber,
  getFieldType,
  normalizePhone,
  validateFieldConfig,
} from '../src/index.js'

const def = (type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  key: 'f',
  type,
  label: { en: 'F' },
  ...extra,
})
const normalize = (type: FieldType, value: unknown, extra: Partial<FieldDef> = {}) =>
  getFieldType(type).normalize(value, def(type, extra))

describe('phone', () => {
  it('collapses every common spelling of a Chinese mobile number to one E.164 form', () => {
    const spellings = [
      '13800138000',
      '138 0013 8000',
      '138-0013-8000',
      '+86-138-0013-8000',
      '+86 138 0013 8000',
      '0086 13800138000',
      '86 13800138000',
      '8613800138000',
      '(+86)13800138000',
      '（+86）138 0013 8000',
      '１３８００１３８０００',
    ]
    expect(new Set(spellings.map(normalizePhone))).toEqual(new Set(['+8613800138000']))
  })

  it('answers a normalized number and a bare mobile at once, as the general path does', () => {
    expect(normalizePhone('+8613800138000')).toBe('+8613800138000')
    expect(normalizePhone('13800138000')).toBe('+8613800138000')
    // Near misses take the general path: a stray trunk zero is dropped, a 12-digit number is refused.
    expect(normalizePhone('+86013800138000')).toBe('+8613800138000')
    expect(normalizePhone('+86138001380001')).toBeUndefined()
    expect(normalizePhone('12800138000')).toBeUndefined()
  })

  it('keeps landlines with their area code and drops the trunk zero', () => {
    expect(normalizePhone('010-12345678')).toBe('+861012345678')
    expect(normalizePhone('(0755) 8765 4321')).toBe('+8675587654321')
    expect(normalizePhone('+86 10 12345678')).toBe('+861012345678')
    expect(normalizePhone('+86 010 12345678')).toBe('+861012345678')
  })

  it('accepts other countries only with an international prefix', () => {
    expect(normalizePhone('+1 (415) 555-2671')).toBe('+14155552671')
    expect(normalizePhone('00852 2123 4567')).toBe('+85221234567')
  })

  it('rejects what is not a phone number', () => {
    for (const bad of [
      '12345',
      '1380013800',
      '138001380001',
      '23800138000',
      'abc13800138000',
      '138 0013 8000 ext 1',
      '+86 12345',
      '+',
    ]) {
      expect(normalizePhone(bad), bad).toBeUndefined()
    }
    expect(normalize('phone', '12345')).toEqual({ ok: false, code: 'field.invalid_phone' })
  })
})

describe('decimal, currency and percent', () => {
  it('store exact strings at the field scale, never through floating point', () => {
    expect(normalize('decimal', '0.1')).toEqual({ ok: true, value: '0.10' })
    expect(normalize('decimal', 0.3, { scale: 4 })).toEqual({ ok: true, value: '0.3000' })
    expect(normalize('currency', '12345678901234567.89')).toEqual({ ok: true, value: '12345678901234567.89' })
    expect(normalize('percent', 15.5)).toEqual({ ok: true, value: '15.50' })
    expect(normalize('decimal', '-0')).toEqual({ ok: true, value: '0.00' })
  })

  it('refuses more digits than the scale rather than rounding', () => {
    expect(normalize('decimal', '1.005')).toEqual({
      ok: false,
      code: 'field.too_many_decimals',
      params: { scale: 2 },
    })
    expect(normalize('decimal', 0.1 + 0.2)).toMatchObject({ ok: false, code: 'field.too_many_decimals' })
  })

  it('accepts plain numeric strings only', () => {
    for (const bad of ['¥1,234.5', '1e3', '12.', 'abc', '']) {
      expect(normalize('currency', bad), bad).toEqual({ ok: false, code: 'field.invalid_decimal' })
    }
  })

  it('refuses values that overflow numeric(20, scale) and honours min/max', () => {
    expect(normalize('decimal', '1000000000000000000')).toEqual({
      ok: false,
      code: 'field.out_of_range',
      params: { digits: 18 },
    })
    expect(normalize('decimal', '-1', { min: 0 })).toEqual({
      ok: false,
      code: 'field.too_small',
      params: { min: 0 },
    })
  })
})

describe('dates', () => {
  it('accepts real calendar dates only', () => {
    expect(normalize('date', '2024-02-29')).toEqual({ ok: true, value: '2024-02-29' })
    expect(normalize('date', '2023-02-29')).toEqual({ ok: false, code: 'field.invalid_date' })
    expect(normalize('date', '2023-13-01')).toMatchObject({ ok: false })
    expect(normalize('date', '2023-4-1')).toMatchObject({ ok: false })
  })

  it('stores datetimes as UTC instants and demands an offset', () => {
    expect(normalize('datetime', '2024-05-01T08:30:00+08:00')).toEqual({
      ok: true,
      value: '2024-05-01T00:30:00.000Z',
    })
    expect(normalize('datetime', '2024-05-01T08:30:00')).toEqual({
      ok: false,
      code: 'field.invalid_datetime',
    })
    expect(normalize('datetime', '2023-02-29T08:30:00Z')).toMatchObject({ ok: false })
  })
})

describe('text-like types', () => {
  it('trims single-line text and turns blanks into null', () => {
    expect(normalize('text', '  张三 ')).toEqual({ ok: true, value: '张三' })
    expect(normalize('text', '   ')).toEqual({ ok: true, value: null })
    expect(normalize('long_text', ' line\n')).toEqual({ ok: true, value: ' line\n' })
  })

  it('lower-cases the email domain only', () => {
    expect(normalize('email', ' Zhang.San@Example.COM ')).toEqual({
      ok: true,
      value: 'Zhang.San@example.com',
    })
    expect(normalize('email', 'no-at-sign')).toEqual({ ok: false, code: 'field.invalid_email' })
    expect(normalize('email', 'a@b')).toMatchObject({ ok: false })
  })

  it('accepts http and https addresses only', () => {
    expect(normalize('url', 'https://shop.example.com/a?b=1')).toEqual({
      ok: true,
      value: 'https://shop.example.com/a?b=1',
    })
    for (const bad of ['javascript:alert(1)', 'ftp://example.com', 'example.com', 'http://']) {
      expect(normalize('url', bad), bad).toEqual({ ok: false, code: 'field.invalid_url' })
    }
  })

  it('trims and de-duplicates tags, keeping the first spelling', () => {
    expect(normalize('tags', [' VIP', 'VIP ', '老客户', '', '  ', '老  客户'])).toEqual({
      ok: true,
      value: ['VIP', '老客户', '老 客户'],
    })
  })
})

describe('selects and relations', () => {
  const options = [
    { value: 'a', label: { en: 'A' } },
    { value: 'b', label: { en: 'B' } },
  ]

  it('checks option values and reports the offending item of a multi-select', () => {
    expect(normalize('select', 'a', { options })).toEqual({ ok: true, value: 'a' })
    expect(normalize('select', 'c', { options })).toEqual({
      ok: false,
      code: 'field.invalid_option',
      params: { value: 'c' },
    })
    expect(normalize('multi_select', ['b', 'a', 'b'], { options })).toEqual({ ok: true, value: ['b', 'a'] })
    expect(normalize('multi_select', ['a', 'z'], { options })).toEqual({
      ok: false,
      code: 'field.invalid_option',
      params: { value: 'z' },
      path: '1',
    })
  })

  it('represents relation ids as strings within bigint range', () => {
    expect(normalize('relation', 42)).toEqual({ ok: true, value: '42' })
    expect(normalize('relation', '9223372036854775807')).toEqual({ ok: true, value: '9223372036854775807' })
    expect(normalize('relation', '9223372036854775808')).toMatchObject({
      ok: false,
      code: 'field.invalid_relation',
    })
    expect(normalize('relation', '0')).toMatchObject({ ok: false })
  })
})

describe('numbers, attachments, auto numbers', () => {
  it('parses numbers and enforces whole numbers when asked', () => {
    expect(normalize('number', '3.5')).toEqual({ ok: true, value: 3.5 })
    expect(normalize('number', 2.5, { integer: true })).toEqual({ ok: false, code: 'field.not_integer' })
    expect(normalize('number', 'twelve')).toEqual({ ok: false, code: 'field.invalid_number' })
  })

  it('checks attachment size and type against the field limits', () => {
    const file = { id: 'f1', name: 'a.png', size: 2000, type: 'image/png' }
    expect(normalize('attachment', [file], { attachment: { accept: ['image/*'] } })).toEqual({
      ok: true,
      value: [file],
    })
    expect(normalize('attachment', [file], { attachment: { maxBytes: 1000 } })).toMatchObject({
      ok: false,
      code: 'field.file_too_large',
      path: '0.size',
    })
    expect(normalize('attachment', [file], { attachment: { accept: ['application/pdf'] } })).toMatchObject({
      ok: false,
      code: 'field.file_type_not_allowed',
    })
  })

  it('formats auto numbers with prefix and padding', () => {
    expect(formatAutoNumber(def('auto_number', { autoNumber: { prefix: 'KH', digits: 6 } }), 42)).toBe(
      'KH000042',
    )
    expect(formatAutoNumber(def('auto_number'), 1234567)).toBe('1234567')
    expect(formatAutoNumber(def('auto_number', { autoNumber: { digits: 3 } }), 7)).toBe('007')
  })
})

describe('registry', () => {
  it('has one module per field type, computed ones not writable', () => {
    expect(new Set(fieldTypes.map((module) => module.type)).size).toBe(fieldTypes.length)
    const readOnly = fieldTypes.filter((module) => !module.writable).map((module) => module.type)
    expect(readOnly.sort()).toEqual(['auto_number', 'formula', 'rollup'])
  })

  it('reports bad configs with paths under the given base', () => {
    const options = [
      { value: 'a', label: { en: 'A' } },
      { value: 'a', label: { en: 'A again' } },
      { value: '', label: { en: 'blank' } },
    ]
    expect(validateFieldConfig(def('select', { options }), 'forms.customers.fields.3')).toEqual([
      {
        path: 'forms.customers.fields.3.options.1.value',
        code: 'config.duplicate_option',
        params: { value: 'a' },
      },
      { path: 'forms.customers.fields.3.options.2.value', code: 'config.invalid_option_value' },
    ])
    expect(validateFieldConfig(def('select'), 'x')).toEqual([
      { path: 'x.options', code: 'config.options_required' },
    ])
    expect(validateFieldConfig(def('decimal', { scale: 12 }), 'x')).toMatchObject([
      { path: 'x.scale', code: 'config.invalid_scale' },
    ])
    expect(validateFieldConfig(def('tags', { unique: true }), 'x')).toEqual([
      { path: 'x.unique', code: 'config.unique_not_supported' },
    ])
    expect(validateFieldConfig(def('nope' as FieldType), 'x')).toMatchObject([
      { path: 'x.type', code: 'field.unknown_type' },
    ])
  })
})
