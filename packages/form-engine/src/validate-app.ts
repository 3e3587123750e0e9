import { summaryIssues } from './plan-summaries.js'
import { pipelineIssues } from './pipeline.js'
import { checkCondition, type ConditionTarget } from './conditions.js'
import { appIssue, type AppIssue } from './errors.js'
import { findFieldType, validateFieldConfig } from './fields/registry.js'
import { isSystemKey, isValidKey } from './identifiers.js'
import type { AppDefinition, FieldDef, FormSchema } from './types.js'
import { toConditionScope, type FormConditionScope } from './condition-scope.js'
import { validateRoles } from './roles.js'

const NUMERIC_TYPES = new Set(['number', 'decimal', 'currency', 'percent'])

function hasLabel(label: unknown): boolean {
  return (
    typeof label === 'object' &&
    label !== null &&
    Object.values(label).some((text) => typeof text === 'string' && text.trim() !== '')
  )
}

/** A scope that never throws: a field whose type cannot be resolved (a broken rollup) is known, typed json. */
function safeScope(form: FormSchema, app: AppDefinition): FormConditionScope {
  const scope = toConditionScope({ ...form, fields: [] })
  for (const field of form.fields) {
    if (field.archived || !findFieldType(field.type)) continue
    let fieldScope: FormConditionScope['fields'][string] = { column: field.key, type: 'json' }
    try {
      fieldScope = toConditionScope({ ...form, fields: [field] }, { app }).fields[field.key] ?? fieldScope
    } catch {
      // reported by the rollup checks
    }
    scope.fields[field.key] = fieldScope
  }
  return scope
}

function checkLogic(
  issues: AppIssue[],
  logic: unknown,
  scope: FormConditionScope,
  path: string,
  target: ConditionTarget = 'js',
): void {
  if (logic === undefined) return
  for (const issue of checkCondition(logic, scope, target))
    issues.push({ ...issue, path: issue.path ? `${path}.${issue.path}` : path })
}

function isNumericField(field: FieldDef): boolean {
  if (NUMERIC_TYPES.has(field.type)) return true
  if (field.type === 'formula') return field.resultType === 'number' || field.resultType === 'decimal'
  return field.type === 'rollup' && field.rollup?.aggregate !== 'min' && field.rollup?.aggregate !== 'max'
}

function checkRollup(
  issues: AppIssue[],
  form: FormSchema,
  field: FieldDef,
  path: string,
  forms: Map<string, FormSchema>,
  app: AppDefinition,
): void {
  const rollup = field.rollup
  if (!rollup || typeof rollup.form !== 'string' || rollup.form === '') return
  const child = forms.get(rollup.form)
  if (!child) {
    issues.push(appIssue(`${path}.rollup.form`, 'config.unknown_form', { form: rollup.form }))
    return
  }
  const live = (key: unknown) =>
    child.fields.find((candidate) => candidate.key === key && !candidate.archived)
  const via = live(rollup.via)
  if (!via) issues.push(appIssue(`${path}.rollup.via`, 'config.unknown_field', { field: String(rollup.via) }))
  else if (via.type !== 'relation' || via.relation?.form !== form.key) {
    issues.push(appIssue(`${path}.rollup.via`, 'config.rollup_via_mismatch', { field: via.key }))
  }
  if (rollup.aggregate !== 'count' && typeof rollup.field === 'string' && rollup.field !== '') {
    const target = live(rollup.field)
    if (!target)
      issues.push(appIssue(`${path}.rollup.field`, 'config.unknown_field', { field: rollup.field }))
    else if ((rollup.aggregate === 'sum' || rollup.aggregate === 'avg') && !isNumericField(target)) {
      issues.push(appIssue(`${path}.rollup.field`, 'config.rollup_field_not_numeric'))
    } else if (
      (rollup.aggregate === 'min' || rollup.aggregate === 'max') &&
      // min/max of a min/max rollup would type itself through a chain that may loop; keep one level.
      (!findFieldType(target.type)?.sortable || (target.type === 'rollup' && !isNumericField(target)))
    ) {
      issues.push(appIssue(`${path}.rollup.field`, 'config.rollup_field_not_sortable'))
    }
  }
  // The server computes rollups in SQL, so their filter must compile there.
  checkLogic(issues, rollup.where, safeScope(child, app), `${path}.rollup.where`, 'sql')
}

/**
 * Every problem of an app definition, each with its path (`forms.1.fields.4.relation.form`): keys, field
 * configs, relation and rollup targets, conditions referring to unknown fields, the title field.
 */
export function validateApp(app: AppDefinition): AppIssue[] {
  const issues: AppIssue[] = []
  if (!isValidKey(app.key)) issues.push(appIssue('key', 'app.invalid_key'))
  if (!Array.isArray(app.forms)) return [...issues, appIssue('forms', 'app.forms_missing')]

  const forms = new Map<string, FormSchema>()
  app.forms.forEach((form, i) => {
    const path = `forms.${i}`
    if (!isValidKey(form.key)) issues.push(appIssue(`${path}.key`, 'form.invalid_key'))
    else if (app.forms.findIndex((other) => other.key === form.key) !== i) {
      issues.push(appIssue(`${path}.key`, 'form.duplicate_key', { key: form.key }))
    } else if (!form.archived && Array.isArray(form.fields)) forms.set(form.key, form)
    if (!Array.isArray(form.fields)) {
      issues.push(appIssue(`${path}.fields`, 'form.fields_missing'))
      return
    }
    const seen = new Set<string>()
    form.fields.forEach((field, j) => {
      const fieldPath = `${path}.fields.${j}`
      if (!isValidKey(field.key)) issues.push(appIssue(`${fieldPath}.key`, 'field.invalid_key'))
      else if (isSystemKey(field.key))
        issues.push(appIssue(`${fieldPath}.key`, 'field.reserved_key', { key: field.key }))
      else if (seen.has(field.key))
        issues.push(appIssue(`${fieldPath}.key`, 'field.duplicate_key', { key: field.key }))
      seen.add(field.key)
      if (field.archived) return
      if (!hasLabel(field.label)) issues.push(appIssue(`${fieldPath}.label`, 'field.invalid_label'))
      for (const issue of validateFieldConfig(field, fieldPath))
        issues.push(appIssue(issue.path, issue.code, issue.params))
      const module = findFieldType(field.type)
      if (module?.writable && field.default !== undefined && field.default !== null) {
        if (!module.normalize(field.default, field).ok)
          issues.push(appIssue(`${fieldPath}.default`, 'config.invalid_default'))
      }
    })
    if (
      form.titleField !== undefined &&
      !form.fields.some((field) => field.key === form.titleField && !field.archived)
    ) {
      issues.push(
        appIssue(`${path}.titleField`, 'form.unknown_title_field', { field: String(form.titleField) }),
      )
    }
  })

  app.forms.forEach((form, i) => {
    if (form.archived || !Array.isArray(form.fields) || forms.get(form.key) !== form) return
    const scope = safeScope(form, app)
    form.fields.forEach((field, j) => {
      if (field.archived || !findFieldType(field.type)) return
      const path = `forms.${i}.fields.${j}`
      const target = field.relation?.form
      if (field.type === 'relation' && typeof target === 'string' && target !== '' && !forms.has(target)) {
        issues.push(appIssue(`${path}.relation.form`, 'config.unknown_form', { form: target }))
      }
      if (field.type === 'rollup') checkRollup(issues, form, field, path, forms, app)
      if (field.type === 'formula') checkLogic(issues, field.formula, scope, `${path}.formula`)
      checkLogic(issues, field.visibleWhen, scope, `${path}.visibleWhen`)
      checkLogic(issues, field.requiredWhen, scope, `${path}.requiredWhen`)
      for (const issue of pipelineIssues(form, field, path))
        issues.push(appIssue(issue.path, issue.code, issue.params))
    })
  })
  app.forms.forEach((form, i) => {
    if (!form.archived && Array.isArray(form.fields) && forms.get(form.key) === form)
      issues.push(...summaryIssues(form, app, `forms.${i}`))
  })
  issues.push(...validateRoles(app, forms))
  return issues
}
