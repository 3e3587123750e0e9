import { constantOf, fieldKeyOf, markQuotient } from '../../js/constants.js'
import type { Evaluator } from '../../js/env.js'
import { readField } from '../../js/read-path.js'
import { decimalToNumber } from '../../js/to-number.js'
import { defineOperators } from '../operator.js'

/** `+ - * / %`, `min`, `max`: JsonLogic's JavaScript arithmetic (`+` and `*` parse strings). JS only. */

const num = (value: unknown) => value as number
// parseFloat coerces any value to a string first, exactly what JsonLogic relies on.
// A number parses back to itself (skipping the string round trip), except -0, which parseFloat turns into 0.
const pf = (value: unknown) =>
  typeof value === 'number' ? (value === 0 ? 0 : value) : parseFloat(value as string)

export const arithmeticOperators = defineOperators(
  {
    name: '+',
    arity: { min: 0 },
    js(args) {
      if (args.length === 2) {
        const [a, b] = args as [Evaluator, Evaluator]
        return (d, e) => pf(a(d, e)) + pf(b(d, e))
      }
      return (d, e) => {
        let total: number = 0
        for (const arg of args) total = pf(total) + pf(arg(d, e))
        return total
      }
    },
  },
  {
    name: '*',
    arity: { min: 1 },
    js(args) {
      return (d, e) => {
        let product: unknown = args[0]!(d, e)
        for (let i = 1; i < args.length; i++) product = pf(product) * pf(args[i]!(d, e))
        return product
      }
    },
  },
  {
    name: '-',
    arity: { min: 1, max: 2 },
    js([a, b]) {
      if (!b) return (d, e) => -num(a!(d, e))
      return (d, e) => num(a!(d, e)) - num(b(d, e))
    },
  },
  {
    name: '/',
    arity: { min: 2, max: 2 },
    js([a, b]) {
      const key = fieldKeyOf(a)
      if (key === undefined) return (d, e) => num(a!(d, e)) / num(b!(d, e))
      const divisor = b!
      // Each branch divides on its own: a converted decimal merged with the raw value would be boxed.
      const quotient: Evaluator = (d, e) => {
        const v = readField(d, key)
        const y = num(divisor(d, e))
        return typeof v === 'string' ? decimalToNumber(v) / y : num(v) / y
      }
      return markQuotient(quotient, { key, divisor })
    },
  },
  {
    name: '%',
    arity: { min: 2, max: 2 },
    js:
      ([a, b]) =>
      (d, e) =>
        num(a!(d, e)) % num(b!(d, e)),
  },
  extremum('min', Math.min),
  extremum('max', Math.max),
)

/** `min`/`max`: the common two-argument form against a constant reads the field inline. */
function extremum(name: 'min' | 'max', pick: (...values: number[]) => number) {
  return {
    name,
    arity: { min: 0 },
    js(args: Evaluator[]): Evaluator {
      if (args.length === 2) {
        const [a, b] = args as [Evaluator, Evaluator]
        const k = constantOf(b)
        const key = fieldKeyOf(a)
        if (k && key !== undefined) {
          const bound = num(k.value)
          return (d) => pick(num(readField(d, key)), bound)
        }
        return (d, e) => pick(num(a(d, e)), num(b(d, e)))
      }
      return (d, e) => pick(...args.map((arg) => num(arg(d, e))))
    },
  }
}
