export type {
  ActionConfig,
  CronTrigger,
  DateTrigger,
  ManualTrigger,
  RecordEventKind,
  RecordTrigger,
  Rule,
  RuleAppView,
  RuleEach,
  RuleFieldView,
  RuleFormView,
  RuleIssue,
  Trigger,
} from './types.js'
export type { ActionModule, Channel, PlannedEffect } from './actions/action.js'
export { channels } from './actions/action.js'
export type { MinePairsConfig } from './actions/mine-pairs.js'
export type { RfmTargetFields, ScoreRfmConfig } from './actions/score-rfm.js'
export { actionModule, actionModules, actionTypes } from './actions/registry.js'
export { triggerSchemas } from './trigger-schemas.js'
export { validateRule, validateRules, type ValidateRuleOptions } from './validate-rule.js'
export { conditionHolds, evaluate, planActions, type PlannedAction } from './plan-actions.js'
export { matchesRecordEvent, recordEventInput, type RecordEvent } from './record-trigger.js'
export { cronProblem, defaultRuleTimeZone, nextCronRun } from './cron-trigger.js'
export {
  anchorWindow,
  anniversaryIn,
  dateOccurrencesBetween,
  defaultTimeOfDay,
  nextDateOccurrence,
  type AnchorWindow,
  type DateOccurrence,
} from './date-trigger.js'
export { renderTemplate, templateVariables } from './template.js'
export { aggregateNames, bindContextReads, eachOf, reservedContextNames } from './each.js'
