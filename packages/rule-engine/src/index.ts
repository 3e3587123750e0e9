// Public API of @trellis/rule-engine: the condition language (JsonLogic) compiled to JS and SQL.
export type {
  CompileOptions,
  CompiledCondition,
  ConditionContext,
  ConditionFieldType,
  ConditionIssue,
  JsonLogic,
  SqlField,
  SqlScope,
} from './types.js'
export { compileCondition } from './js/compile-condition.js'
export { conditionToSql, validateCondition } from './sql/condition-to-sql.js'
export { ConditionError } from './errors.js'
export { operatorNames, sqlOperatorNames } from './operators/registry.js'
export { MAX_DEPTH } from './parse/limits.js'
export { fieldOfName, readNames } from './parse/read-names.js'
// Rules (automation): model, validation, trigger planning and pure action plans.
export * from './rules/index.js'
