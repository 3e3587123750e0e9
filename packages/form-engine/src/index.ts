// Public API of @trellis/form-engine: FormSchema → field types, JSON Schema validation, column and migration
// plans, condition scopes. Pure: no I/O. See docs/forms.md.
export type * from './types.js'
export type { ConditionContext, ConditionFieldType, SqlField, SqlScope } from './condition-types.js'
export type { FieldError, AppIssue } from './errors.js'
export { FormEngineError } from './errors.js'
export { formMessages, formatFieldError, formatMessage, type Locale } from './messages.js'
export { KEY_PATTERN, SYSTEM_FIELD_KEYS, isValidKey, isSystemKey, indexName } from './identifiers.js'

export type {
  FieldTypeModule,
  FieldContext,
  Normalized,
  ConfigIssue,
  JsonSchema,
} from './fields/field-type.js'
export { fieldTypes, findFieldType, getFieldType, validateFieldConfig } from './fields/registry.js'
export { normalizePhone } from './fields/phone.js'
export { normalizeEmail } from './fields/email.js'
export { parseDecimal } from './fields/decimal.js'
export { formatAutoNumber } from './fields/auto-number.js'
export type { AttachmentMeta } from './fields/attachment.js'

export { toJsonSchema, type JsonSchemaOptions, type SchemaMode } from './json-schema.js'
export {
  compileFormValidator,
  type RecordValidator,
  type ValidateOptions,
  type ValidationResult,
} from './validate-record.js'
export { fieldStates, type FieldState } from './field-states.js'
export { computeFormulas } from './compute-formulas.js'

export {
  planColumns,
  systemColumns,
  type ColumnSpec,
  type TablePlan,
  type PlanOptions,
} from './plan-columns.js'
export type * from './migration-steps.js'
export { planMigration, type MigrationOptions } from './plan-migration.js'
export { planAppMigration, applyArchives, type AppMigrationOptions } from './plan-app-migration.js'
export { archiveName } from './archive-names.js'

export { validateApp } from './validate-app.js'
export {
  planSummaries,
  summaryIssues,
  SUMMARY_COUNT_COLUMN,
  MAX_SUMMARY_DIMENSIONS,
  SUMMARY_DEFAULT_TIME_ZONE,
  type SummaryPlan,
  type SummaryColumn,
  type SummarySum,
} from './plan-summaries.js'
export { toConditionScope, type ScopeOptions, type FormConditionScope } from './condition-scope.js'
export { reverseRelations, type ReverseRelation } from './reverse-relations.js'
export { validateRoles, FORM_ACTIONS } from './roles.js'
