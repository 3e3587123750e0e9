import { describe, expect, it } from 'vitest'
import { compileCondition, ConditionError, MAX_DEPTH } from '../src/index.js'

function nest(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let logic: unknown = true
  for (let i = 0; i < depth; i++) logic = wrap(logic)
  return logic
}

function errorOf(fn: () => unknown): ConditionError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionError)
    return error as ConditionError
  }
  throw new Error('expected a ConditionError')
}

describe('malformed logic fails at compile time with a path', () => {
  it('names an unknown operator and where it is', () => {
    const error = errorOf(() => compileCondition({ and: [true, { or: [false, { frobnicate: [1] }] }] }))
    expect(error.code).toBe('unknown_operator')
    expect(error.path).toBe('and.1.or.1')
    expect(error.message).toContain('frobnicate')
  })

  it('checks arities', () => {
    expect(errorOf(() => compileCondition({ '==': [1] }))).toMatchObject({ code: 'wrong_arity', path: '' })
    expect(errorOf(() => compileCondition({ and: [{ between: [1, 2] }] }))).toMatchObject({
      code: 'wrong_arity',
      path: 'and.0',
    })
    expect(errorOf(() => compileCondition({ '!': [1, 2] })).code).toBe('wrong_arity')
    expect(errorOf(() => compileCondition({ now: [1] })).code).toBe('wrong_arity')
  })

  it('checks literal units', () => {
    expect(errorOf(() => compileCondition({ date_add: [{ var: 'd' }, 1, 'fortnights'] }))).toMatchObject({
      code: 'invalid_argument',
      path: 'date_add.2',
    })
  })

  it('accepts nesting up to the limit', () => {
    const logic = nest(MAX_DEPTH - 1, (inner) => ({ '!!': [inner] }))
    expect(compileCondition(logic)({})).toBe(true)
  })

  it.each([
    ['operators', (inner: unknown) => ({ '!': [inner] })],
    ['unary shorthand', (inner: unknown) => ({ '!': inner })],
    ['arrays', (inner: unknown) => [inner]],
  ])('refuses 10,000-deep nesting of %s without overflowing the stack', (_kind, wrap) => {
    const error = errorOf(() => compileCondition(nest(10_000, wrap)))
    expect(error.code).toBe('too_deep')
    expect(error.path.split('.').length).toBeGreaterThan(MAX_DEPTH - 1)
  })

  it('refuses a cyclic structure', () => {
    const cyclic: Record<string, unknown[]> = { and: [] }
    cyclic.and!.push(cyclic)
    expect(errorOf(() => compileCondition(cyclic)).code).toBe('too_deep')
  })

  it('refuses an unknown time zone', () => {
    expect(errorOf(() => compileCondition(true, { timeZone: 'Mars/Olympus' })).code).toBe('invalid_time_zone')
  })

  it('treats non-logic objects as data, like json-logic-js', () => {
    expect(compileCondition({})({})).toEqual({})
    expect(compileCondition({ a: 1, b: 2 })({})).toEqual({ a: 1, b: 2 })
  })
})
