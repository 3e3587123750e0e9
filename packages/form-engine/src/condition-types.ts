// The condition language's types, as @trellis/rule-engine defines them; re-exported so form-engine modules
// import them from one place.
export type {
  CompiledCondition,
  ConditionContext,
  ConditionFieldType,
  ConditionIssue,
  SqlField,
  SqlScope,
} from '@trellis/rule-engine'
