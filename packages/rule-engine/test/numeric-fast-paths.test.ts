import fc from 'fast-check'
import jsonLogic from 'json-logic-js'
import { describe, expect, it } from 'vitest'
import { compileCondition } from '../src/index.js'
import { decimalToNumber } from '../src/js/to-number.js'

/**
 * The fast paths for a field against a constant (decimal strings converted by hand, a constant string's
 * number computed once) must give exactly what JavaScript — and so json-logic-js — gives.
 */

const decimalText = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.stringMatching(/^[0-9]{0,18}$/),
    fc.constantFrom('', '.'),
    fc.stringMatching(/^[0-9]{0,18}$/),
  )
  .map((parts) => parts.join(''))
const oddText = fc.constantFrom('', ' 12', '1e3', '0x1f', '-', '.', '1.2.3', 'Infinity', '１２', '12 ', '+5')

describe('decimalToNumber', () => {
  it('equals Number(text) for every decimal string and every odd one', () => {
    fc.assert(
      fc.property(fc.oneof(decimalText, oddText, fc.string()), (text) => {
        expect(Object.is(decimalToNumber(text), Number(text))).toBe(true)
      }),
      { numRuns: 20_000 },
    )
    for (const text of [
      '3520.50',
      '0.1',
      '0.3',
      '9007199254740993',
      '-0',
      '007',
      '1.',
      '.5',
      '123456789012345',
    ])
      expect(Object.is(decimalToNumber(text), Number(text)), text).toBe(true)
  })
})

describe('a field compared with a constant', () => {
  const fieldValue = fc.oneof(
    decimalText,
    oddText,
    fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -3,
      2.5,
      '2024-03-01T00:00:00.000Z',
      '2024-02-01',
      ['5'],
      [1, 2],
    ),
    fc.double({ noNaN: false }),
  )
  const constant = fc.oneof(
    fc.constantFrom<unknown>(0, 5, -1.5, 2000, '2024-02-15', '10', '', 'abc', null, true),
    decimalText,
    fc.double(),
  )
  it('gives json-logic-js results for < <= > >= and division', () => {
    fc.assert(
      fc.property(fc.constantFrom('<', '<=', '>', '>=', '/'), fieldValue, constant, (op, x, k) => {
        const logic = { [op]: [{ var: 'x' }, k] }
        const ours = compileCondition(logic)({ x })
        expect(Object.is(ours, jsonLogic.apply(logic, { x }))).toBe(true)
      }),
      { numRuns: 20_000 },
    )
  })
})
