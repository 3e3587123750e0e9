import fc from 'fast-check'
import jsonLogic from 'json-logic-js'
import { describe, expect, it } from 'vitest'
import { compileCondition, operatorNames } from '../src/index.js'

const INHERITED = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
]

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
    Object.freeze(value)
  }
  return value
}

describe('var reads own properties only', () => {
  it.each(INHERITED)('"%s" resolves to null or the default', (name) => {
    const data = { a: { b: 1 }, list: [1, 2] }
    expect(compileCondition({ var: name })(data)).toBeNull()
    expect(compileCondition({ var: `a.${name}` })(data)).toBeNull()
    expect(compileCondition({ var: `list.${name}` })(data)).toBeNull()
    expect(compileCondition({ var: `${name}.${name}` })(data)).toBeNull()
    expect(compileCondition({ var: [name, 'fallback'] })(data)).toBe('fallback')
    expect(compileCondition({ var: { cat: ['a.', name] } })(data)).toBeNull()
    expect(compileCondition({ missing: [name] })(data)).toEqual([name])
  })

  it('differs from json-logic-js, which hands out prototype members', () => {
    expect(typeof jsonLogic.apply({ var: 'constructor' }, {})).toBe('function')
    expect(compileCondition({ var: 'constructor' })({})).toBeNull()
  })

  it('still reads own properties with those names', () => {
    const data = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}') as unknown
    expect(compileCondition({ var: 'constructor' })(data)).toBe('c')
    expect(compileCondition({ var: '__proto__.x' })(data)).toBe(1)
  })

  it('refuses prototype names as operators', () => {
    for (const name of INHERITED) {
      expect(() => compileCondition({ [name]: [] })).toThrowError(
        expect.objectContaining({ code: 'unknown_operator' }),
      )
    }
  })
})

describe('no operator modifies its input or a prototype', () => {
  const sample = () =>
    deepFreeze({
      a: 1,
      s: 'text 中文',
      list: [3, 1, 2],
      tags: ['vip', 'new'],
      nested: { items: [{ n: 1 }, { n: 2 }] },
      day: '2024-02-29',
      at: '2024-03-10T06:30:00.000Z',
    })
  const arg = fc.oneof(
    fc.constantFrom<unknown>(
      { var: 'list' },
      { var: 'tags' },
      { var: 'nested' },
      { var: 's' },
      { var: 'a' },
      { var: '' },
    ),
    fc.constantFrom<unknown>(
      { var: 'day' },
      { var: 'at' },
      { var: '__proto__' },
      { var: 'nested.items' },
      1,
      'x',
      null,
    ),
    fc.constantFrom<unknown>([1, 2], { push: 1 }, 'days', 'month'),
  )
  // Every operator except log (it prints), with random arities.
  const logic = fc
    .tuple(
      fc.constantFrom(...operatorNames().filter((name) => name !== 'log')),
      fc.array(arg, { maxLength: 3 }),
    )
    .map(([op, args]) => ({ [op]: args }))

  it('evaluates every operator on frozen data without throwing a mutation error', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    fc.assert(
      fc.property(logic, (l) => {
        let compiled
        try {
          compiled = compileCondition(l)
        } catch {
          return // wrong arity or bad unit: refused before running, fine
        }
        const data = sample()
        const snapshot = JSON.stringify(data)
        // Frozen data: an attempted write would throw in strict mode.
        compiled(data, { user: deepFreeze({ store: 'x' }), now: '2024-03-10T06:30:00.000Z' })
        expect(JSON.stringify(data)).toBe(snapshot)
      }),
      { numRuns: 2000 },
    )
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('returns new arrays from merge, map and filter', () => {
    const data = sample()
    const merged = compileCondition({ merge: [{ var: 'list' }] })(data) as unknown[]
    expect(merged).not.toBe(data.list)
    merged.push(4)
    expect(data.list).toEqual([3, 1, 2])
  })
})
