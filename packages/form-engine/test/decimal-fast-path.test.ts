import { describe, expect, it } from 'vitest'
import { decimalField, normalizeDecimalExact } from '../src/fields/decimal.js'
import type { FieldDef } from '../src/types.js'

/** A seeded generator, so a failure names the input and reproduces. */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

const digitsOf = (next: () => number, max: number) =>
  Array.from({ length: Math.floor(next() * (max + 1)) }, () => String(Math.floor(next() * 10))).join('')

describe('decimal fields: the plain-text fast path gives the exact path’s answers', () => {
  const fields: FieldDef[] = [
    { key: 'amount', type: 'currency', label: { en: 'A' } },
    { key: 'paid', type: 'currency', label: { en: 'P' }, min: 0 },
    { key: 'rate', type: 'percent', label: { en: 'R' }, scale: 4 },
    { key: 'whole', type: 'decimal', label: { en: 'W' }, scale: 0 },
    { key: 'fine', type: 'decimal', label: { en: 'F' }, scale: 10, min: 0 },
  ]

  it('on 5,000 random plain decimals (signs, leading and trailing zeros, too many digits) and numbers', () => {
    const next = random(42)
    const mismatches: string[] = []
    for (let i = 0; i < 5_000; i++) {
      const sign = ['', '-', '+'][Math.floor(next() * 3)]!
      const zeros = '0'.repeat(Math.floor(next() * 3))
      const whole = digitsOf(next, 22) || '0'
      const fraction =
        next() < 0.6 ? `.${digitsOf(next, 12) || '0'}${'0'.repeat(Math.floor(next() * 3))}` : ''
      const pad = next() < 0.1 ? ' ' : ''
      const inputs: unknown[] = [
        `${pad}${sign}${zeros}${whole}${fraction}${pad}`,
        Number(`${sign}${whole}${fraction}`),
      ]
      for (const input of inputs)
        for (const field of fields) {
          const fast = JSON.stringify(decimalField.normalize(input, field))
          const exact = JSON.stringify(normalizeDecimalExact(input, field))
          if (fast !== exact) mismatches.push(`${JSON.stringify(input)} ${field.key}: ${fast} ≠ ${exact}`)
        }
    }
    // Compared in bulk (one expect per input was most of the test's time).
    expect(mismatches.slice(0, 5)).toEqual([])
  })

  it('on the odd ones: zero with a sign, exponents, bounds and garbage', () => {
    const odd = [
      '-0',
      '+0.000',
      '-0.0',
      '0',
      '1e3',
      '1E-2',
      '99999999999999999999',
      '1.005',
      '.5',
      '5.',
      '',
      ' ',
      'abc',
    ]
    const bounded: FieldDef = { key: 'b', type: 'currency', label: { en: 'B' }, min: -5, max: 100 }
    for (const input of [...odd, 1e21, -0, 0.1, 1e-7, Number.NaN, Infinity])
      for (const field of [...fields, bounded])
        expect(decimalField.normalize(input, field), `${String(input)} ${field.key}`).toEqual(
          normalizeDecimalExact(input, field),
        )
    expect(decimalField.normalize('-0.00', fields[0]!)).toEqual(normalizeDecimalExact('0', fields[0]!))
  })
})
