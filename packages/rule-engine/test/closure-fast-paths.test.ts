import jsonLogic from 'json-logic-js'
import { describe, expect, it } from 'vitest'
import { compileCondition } from '../src/index.js'

/**
 * The specialized closures (boolean chains, truth forms, inline lists, constant-bound substr, env-free
 * trees) must give exactly json-logic-js's values, including on the odd inputs each shortcut skips.
 */

const records: unknown[] = [
  {},
  null,
  { a: 1, b: '', c: null, d: 'x', tags: ['vip', 'tea'], birthday: '1990-03-12', n: '12.50' },
  { a: 0, b: 'y', c: 'z', d: '', tags: [], birthday: null, n: 0 },
  { a: '1', b: 'b', c: 'c', d: 'd', tags: 'vip', birthday: 19900312, n: null },
  { a: [], b: [0], c: {}, d: false, tags: [null, 'vip'], birthday: '', n: 'NaN' },
]

const conditions: unknown[] = [
  { '!!': { missing_some: [2, ['a', 'b', 'c', 'd']] } },
  { '!': { missing_some: [3, ['a', 'b', 'c']] } },
  { '!!': { missing_some: ['x', ['a', 'b']] } },
  { '!!': { missing_some: [0, ['a', 'b']] } },
  // The truth form stops reading once its answer is known: every count, whole or not, in range or not.
  ...[1, 2.5, 4, 5, -1, 1.5, 3.99].map((need) => ({ '!!': { missing_some: [need, ['a', 'b', 'c', 'd']] } })),
  { '!': { missing_some: [2, ['d', 'c', 'b', 'a', 'tags']] } },
  { if: [{ missing_some: [1, ['a', 'c', 'b']] }, { var: 'a' }, { var: 'b' }, { var: 'c' }] },
  { if: [{ missing_some: [1, ['b', 'c']] }, 'some missing', 'none'] },
  { if: [{ var: 'a' }, 1, { var: 'b' }, 2, 3] },
  { if: [{ '>': [{ var: 'n' }, 10] }, 'big', { '==': [{ var: 'a' }, 1] }, 'one', 'other'] },
  { and: [{ '>=': [{ var: 'a' }, 0] }, { in: ['vip', { var: 'tags' }] }, { var: 'd' }] },
  { or: [{ '==': [{ var: 'b' }, ''] }, { var: 'c' }] },
  { and: [{ '<': [{ var: 'a' }, 5] }, { var: 'tags' }] },
  { in: [{ var: 'd' }, ['x', 'd', null]] },
  { in: [{ var: 'c' }, [null]] },
  { some: [{ var: 'tags' }, { in: [{ var: '' }, ['vip', null]] }] },
  { all: [{ var: 'tags' }, { var: '' }] },
  { none: [{ var: 'tags' }, { '==': [{ var: '' }, 'tea'] }] },
  // Quantifiers over a field's items looked up in a literal list, in one loop.
  { some: [{ var: 'tags' }, { in: [{ var: '' }, ['tea', 'x']] }] },
  { all: [{ var: 'tags' }, { in: [{ var: '' }, ['vip', 'tea', null]] }] },
  { none: [{ var: 'tags' }, { in: [{ var: '' }, [null]] }] },
  { all: [{ var: 'tags' }, { in: [{ var: '' }, ['vip', 'tea', 'a', 'b', 'c', 'd', null]] }] },
  { some: [{ var: 'b' }, { in: [{ var: '' }, [0, 'b', 'c', 'd', 'e']] }] },
  { none: [{ var: 'a' }, { in: [{ var: '' }, [1, 2, 3, 4]] }] },
  // A constant looked up in a field (array or string), and its negation.
  { in: ['vip', { var: 'tags' }] },
  { '!': { in: ['vip', { var: 'tags' }] } },
  { '!': { in: [null, { var: 'tags' }] } },
  { in: ['', { var: 'b' }] },
  { '!': { in: ['y', { var: 'b' }] } },
  { in: [1, { var: 'n' }] },
  { '!': { in: [0, { var: 'b' }] } },
  { in: [{ substr: [{ var: 'birthday' }, 5] }, ['03-12', 'll']] },
  // A window looked up in place: negative starts, lengths past the end, empty windows, non-strings.
  { in: [{ substr: [{ var: 'birthday' }, 5] }, ['03-12', '', 1, null, '12', 'ull']] },
  { in: [{ substr: [{ var: 'birthday' }, -5, 2] }, ['03', 'll', '', 'NaN', '31']] },
  { in: [{ substr: [{ var: 'birthday' }, 0, 4] }, ['1990', 'null', '1990', 'true', 'fals']] },
  { in: [{ substr: [{ var: 'birthday' }, 40] }, ['', 'x']] },
  { in: [{ substr: [{ var: 'n' }, 1, 0] }, ['', '2']] },
  { in: [{ substr: [{ var: 'tags' }, 2] }, ['p', 'a', 'p,tea', 'll,vip', 'x'.repeat(70)]] },
  { in: [{ substr: [{ cat: ['中文', { var: 'd' }] }, 1] }, ['文x', '文', '文d']] },
  { in: [{ substr: [{ cat: ['y'.repeat(70), { var: 'd' }] }, 1] }, ['y'.repeat(69) + 'x', 'y'.repeat(69)]] },
  { substr: [{ var: 'birthday' }, -2, 1] },
  { substr: [{ var: 'birthday' }, 2, -3] },
  { '!=': [{ var: 'd' }, { if: [{ var: 'a' }, 'x', 'd'] }] },
  // `if` over boolean tests with constant branches returns the values directly.
  { if: [{ '>': [{ var: 'a' }, 0] }, 'x', 'y'] },
  { if: [{ '>=': [{ var: 'n' }, 12] }, 'gold', { '<': [{ var: 'a' }, 1] }, 0, null] },
  {
    '!=': [
      { var: 'd' },
      { if: [{ in: ['vip', { var: 'tags' }] }, 'x', { '==': [{ var: 'a' }, 0] }, '', 'd'] },
    ],
  },
  // A field's quotient against a constant, divided and compared in one closure.
  { '>': [{ '/': [{ var: 'n' }, { max: [{ var: 'a' }, 1] }] }, 5] },
  { '<=': [{ '/': [{ var: 'n' }, { var: 'a' }] }, 0] },
  { '<': [{ '/': [{ var: 'n' }, 2] }, 7] },
  { '>=': [{ '/': [{ var: 'a' }, { var: 'n' }] }, 0.08] },
  { '>': [{ '/': [{ var: 'd' }, { var: 'a' }] }, -1] },
  { '>': [{ '/': [{ var: 'n' }, 2] }, '3'] },
  { '/': [{ var: 'n' }, 4] },
  { '/': [{ var: 'tags' }, { var: 'a' }] },
  { '===': [{ var: 'a' }, { var: 'a' }] },
  { '==': [{ var: 'tags.1' }, 'tea'] },
  { missing: ['a', 'tags.0', 'c', 'x.y'] },
  { '!': { '!': { var: 'tags' } } },
]

describe('closure fast paths', () => {
  it('give json-logic-js results', () => {
    for (const logic of conditions) {
      const compiled = compileCondition(logic)
      // Parsed from JSON, as conditions stored in the database are: field names are fresh strings.
      const parsed = compileCondition(JSON.parse(JSON.stringify(logic)))
      for (const data of records) {
        const expected = jsonLogic.apply(logic, data)
        expect([logic, data, compiled(data)]).toEqual([logic, data, expected])
        expect([logic, data, parsed(data)]).toEqual([logic, data, expected])
      }
    }
  })

  it('an env-free condition ignores whatever context it is given; one reading the context uses it', () => {
    const plain = compileCondition({ '>': [{ var: 'a' }, 0] })
    expect(plain({ a: 1 }, { user: { a: 0 } })).toBe(true)
    expect(plain({ a: 1 })).toBe(true)
    const scoped = compileCondition({ '==': [{ var: 'a' }, { var: '$user.a' }] })
    expect(scoped({ a: 1 }, { user: { a: 1 } })).toBe(true)
    expect(scoped({ a: 1 }, { user: { a: 2 } })).toBe(false)
  })
})
