import { relational } from '../../sql/compare.js'
import { and } from '../../sql/fragments.js'
import { defineOperators } from '../operator.js'

/**
 * `{"between": [value, low, high]}`: low <= value <= high, inclusive, with JsonLogic's `<=`
 * (so it is exactly `{"<=": [low, value, high]}`, argument order made readable).
 */
export const betweenOperators = defineOperators({
  name: 'between',
  arity: { min: 3, max: 3 },
  js([value, low, high]) {
    return (d, e) => {
      const v = value!(d, e) as number
      return (low!(d, e) as number) <= v && v <= (high!(d, e) as number)
    }
  },
  sql(node, c) {
    const [value, low, high] = node.args.map((arg) => c.value(arg)) as [
      ReturnType<typeof c.value>,
      ReturnType<typeof c.value>,
      ReturnType<typeof c.value>,
    ]
    const lower = relational('<=', low, value, node.path, c)
    const upper = relational('<=', value, high, node.path, c)
    if (lower.kind !== 'bool') return lower
    if (upper.kind !== 'bool') return upper
    return and([lower, upper], node.path)
  },
})
