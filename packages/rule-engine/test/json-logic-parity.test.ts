import fc from 'fast-check'
import jsonLogic from 'json-logic-js'
import { describe, expect, it } from 'vitest'
import { compileCondition } from '../src/index.js'

/**
 * Random JsonLogic over the core operators and random data: the compiled closures (with their
 * folding and specializations) must return what json-logic-js returns, whenever json-logic-js
 * returns at all.
 */

const scalar = fc.constantFrom<unknown>(null, 0, 1, -1, 2.5, '1', '', 'abc', '0', ' 2 ', true, false)
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  fc.array(scalar, { maxLength: 3 }),
  fc.record({ x: scalar }),
)
const data = fc.record({
  a: value,
  b: value,
  c: fc.array(scalar, { maxLength: 4 }),
  s: fc.constantFrom('abcabc', '中文', ''),
})

const v = (name: string) => ({ var: name })
const leaf = fc.oneof(
  scalar,
  fc.constantFrom<unknown>(
    v('a'),
    v('b'),
    v('c'),
    v('s'),
    v('a.x'),
    v('missing'),
    { var: ['missing', 7] },
    v('c.0'),
  ),
)

const logic = fc.letrec<{ node: unknown }>((tie) => {
  const arg = fc.oneof({ weight: 3, arbitrary: leaf }, tie('node'))
  const args = (min: number, max: number) => fc.array(arg, { minLength: min, maxLength: max })
  const op = (names: string[], min: number, max: number) =>
    fc.tuple(fc.constantFrom(...names), args(min, max)).map(([name, xs]) => ({ [name]: xs }))
  return {
    node: fc.oneof(
      { depthSize: 'small' },
      op(['==', '===', '!=', '!==', '>', '>=', '%', '/', 'in'], 2, 2),
      op(['<', '<='], 2, 3),
      op(['and', 'or'], 1, 4),
      op(['!', '!!'], 1, 1),
      op(['if', '?:'], 0, 5),
      op(['+', 'min', 'max', 'cat', 'merge', 'missing'], 0, 3),
      op(['*'], 1, 3),
      op(['-'], 1, 2),
      op(['substr'], 2, 3),
      fc
        .tuple(fc.constantFrom('map', 'filter', 'all', 'none', 'some'), tie('node'))
        .map(([name, inner]) => ({ [name]: [v('c'), inner] })),
      fc.tuple(tie('node'), arg).map(([inner, start]) => ({ reduce: [v('c'), inner, start] })),
      fc
        .tuple(
          fc.integer({ min: 0, max: 3 }),
          fc.array(fc.constantFrom('a', 'b', 'missing', 'c.0'), { maxLength: 3 }),
        )
        .map(([need, keys]) => ({ missing_some: [need, keys] })),
    ),
  }
}).node

describe('parity with json-logic-js on random logic', () => {
  it('returns the same value for every generated rule and record', () => {
    fc.assert(
      fc.property(logic, fc.array(data, { minLength: 1, maxLength: 5 }), (rule, records) => {
        const compiled = compileCondition(rule)
        for (const record of records) {
          let expected: unknown
          try {
            expected = jsonLogic.apply(rule, record)
          } catch {
            continue // json-logic-js itself fails on this input
          }
          expect(compiled(record)).toEqual(expected)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
