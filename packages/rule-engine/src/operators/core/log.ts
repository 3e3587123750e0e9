import { defineOperators } from '../operator.js'

/** `log`: prints its argument and returns it (debugging aid, as in json-logic-js). JS only. */
export const logOperators = defineOperators({
  name: 'log',
  impure: true,
  arity: { min: 1, max: 1 },
  js:
    ([a]) =>
    (d, e) => {
      const value = a!(d, e)
      console.log(value)
      return value
    },
})
