// Tests evaluate conditions with the reference implementation, so they do not depend on the pace of
// @trellis/rule-engine; the package entry wires rule-engine's compiler as the default.
import jsonLogic from 'json-logic-js'
import type { ConditionEvaluator } from '../../src/index'

export const evaluator: ConditionEvaluator = (logic, data) => jsonLogic.apply(logic, data)
