import { describe, expect, it } from 'vitest'
import { addDuration, parseDuration, resolveDue } from '../src/index'

const add = (iso: string, d: string) =>
  new Date(addDuration(Date.parse(iso), parseDuration(d)!)).toISOString()

describe('ISO 8601 durations', () => {
  it('parses and rejects', () => {
    expect(parseDuration('P7D')).toMatchObject({ sign: 1, days: 7 })
    expect(parseDuration('-P3D')).toMatchObject({ sign: -1, days: 3 })
    expect(parseDuration('PT1H30M')).toMatchObject({ hours: 1, minutes: 30 })
    for (const bad of ['P', 'PT', '7D', 'P1H', 'P2X', '']) expect(parseDuration(bad)).toBeNull()
  })

  it('adds with calendar arithmetic', () => {
    expect(add('2025-01-31T00:00:00.000Z', 'P1M')).toBe('2025-02-28T00:00:00.000Z')
    expect(add('2024-02-29T12:00:00.000Z', 'P1Y')).toBe('2025-02-28T12:00:00.000Z')
    expect(add('2025-03-01T00:00:00.000Z', '-P3D')).toBe('2025-02-26T00:00:00.000Z')
    expect(add('2025-03-01T00:00:00.000Z', 'P1W')).toBe('2025-03-08T00:00:00.000Z')
    expect(add('2025-03-01T00:00:00.000Z', 'PT1.5S')).toBe('2025-03-01T00:00:01.500Z')
  })
})

describe('date time specs', () => {
  const literal = (v: unknown) => () => v
  it('reads a date-only value at midnight Shanghai time by default', () => {
    expect(
      resolveDue({ kind: 'date', expression: null }, '2025-01-01T00:00:00Z', literal('2025-06-01')),
    ).toEqual({
      ok: true,
      dueAt: '2025-05-31T16:00:00.000Z',
    })
  })
  it('moves a Feb 29 birthday to Feb 28 in common years', () => {
    const r = resolveDue(
      { kind: 'date', expression: null, yearly: true, utcOffset: '+00:00' },
      '2025-01-01T00:00:00Z',
      literal('2000-02-29'),
    )
    expect(r).toEqual({ ok: true, dueAt: '2025-02-28T00:00:00.000Z' })
  })
  it('keeps the time of a full timestamp', () => {
    const r = resolveDue(
      { kind: 'date', expression: null, offset: 'PT2H' },
      '2025-01-01T00:00:00Z',
      literal('2025-02-01T10:00:00+08:00'),
    )
    expect(r).toEqual({ ok: true, dueAt: '2025-02-01T04:00:00.000Z' })
  })
})
