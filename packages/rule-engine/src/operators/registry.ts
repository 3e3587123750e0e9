import { arithmeticOperators } from './core/arithmetic.js'
import { arrayOperators } from './core/arrays.js'
import { comparisonOperators } from './core/comparison.js'
import { dataOperators } from './core/data.js'
import { logOperators } from './core/log.js'
import { logicOperators } from './core/logic.js'
import { stringOperators } from './core/strings.js'
import type { OperatorDefinition } from './operator.js'
import { anniversaryOperators } from './trellis/anniversary.js'
import { betweenOperators } from './trellis/between.js'
import { dateAddOperators } from './trellis/date-add.js'
import { dateDiffOperators } from './trellis/date-diff.js'
import { isEmptyOperators } from './trellis/is-empty.js'
import { startOfOperators } from './trellis/start-of.js'
import { tagOperators } from './trellis/tags.js'
import { textMatchOperators } from './trellis/text-match.js'

/** Every operator, JsonLogic's then Trellis'. A Map, so "constructor" or "__proto__" is never one. */
const OPERATORS: ReadonlyMap<string, OperatorDefinition> = new Map(
  [
    ...dataOperators,
    ...logicOperators,
    ...comparisonOperators,
    ...arithmeticOperators,
    ...stringOperators,
    ...arrayOperators,
    ...logOperators,
    ...dateAddOperators,
    ...dateDiffOperators,
    ...anniversaryOperators,
    ...startOfOperators,
    ...textMatchOperators,
    ...betweenOperators,
    ...isEmptyOperators,
    ...tagOperators,
  ].map((definition) => [definition.name, definition]),
)

export function findOperator(name: string): OperatorDefinition | undefined {
  return OPERATORS.get(name)
}

export function operatorNames(): string[] {
  return [...OPERATORS.keys()]
}

/** The operators with a SQL form (the SQL subset), for docs and the designer. */
export function sqlOperatorNames(): string[] {
  return [...OPERATORS.values()].filter((definition) => definition.sql).map((definition) => definition.name)
}
