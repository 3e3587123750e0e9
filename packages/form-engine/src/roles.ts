import { checkCondition } from './conditions.js'
import { appIssue, type AppIssue } from './errors.js'
import { isValidKey } from './identifiers.js'
import { toConditionScope } from './condition-scope.js'
import type { AppDefinition, FormPermission, FormSchema } from './types.js'

export const FORM_ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'import'] as const

/**
 * Checks `app.roles`: keys, forms, actions, field lists (keyed by field key, never by label, so a field
 * deleted and re-created under another label keeps no stale permission) and row scopes, which must
 * compile to SQL since every read applies them in the database.
 */
export function validateRoles(app: AppDefinition, forms: ReadonlyMap<string, FormSchema>): AppIssue[] {
  const issues: AppIssue[] = []
  const seen = new Set<string>()
  ;(app.roles ?? []).forEach((role, i) => {
    const path = `roles.${i}`
    if (!isValidKey(role.key)) issues.push(appIssue(`${path}.key`, 'role.invalid_key'))
    else if (seen.has(role.key)) issues.push(appIssue(`${path}.key`, 'role.duplicate_key', { key: role.key }))
    seen.add(role.key)
    for (const [formKey, permission] of Object.entries(role.forms ?? {})) {
      const formPath = `${path}.forms.${formKey}`
      const form = forms.get(formKey)
      if (!form || form.archived) {
        issues.push(appIssue(formPath, 'config.unknown_form', { form: formKey }))
        continue
      }
      checkPermission(issues, permission, form, app, formPath)
    }
  })
  return issues
}

function checkPermission(
  issues: AppIssue[],
  permission: FormPermission,
  form: FormSchema,
  app: AppDefinition,
  path: string,
): void {
  ;(permission.actions ?? []).forEach((action, i) => {
    if (!(FORM_ACTIONS as readonly string[]).includes(action)) {
      issues.push(appIssue(`${path}.actions.${i}`, 'role.unknown_action', { action: String(action) }))
    }
  })
  const live = new Set(form.fields.filter((f) => !f.archived).map((f) => f.key))
  for (const list of ['hidden', 'readOnly', 'masked'] as const) {
    ;(permission[list] ?? []).forEach((key, i) => {
      if (!live.has(key))
        issues.push(appIssue(`${path}.${list}.${i}`, 'config.unknown_field', { field: String(key) }))
    })
  }
  for (const [key, condition] of Object.entries(permission.maskedWhen ?? {})) {
    if (!live.has(key))
      issues.push(appIssue(`${path}.maskedWhen.${key}`, 'config.unknown_field', { field: key }))
    for (const issue of checkCondition(condition, toConditionScope(form, { app }), 'js')) {
      const at = `${path}.maskedWhen.${key}`
      issues.push({ ...issue, path: issue.path ? `${at}.${issue.path}` : at })
    }
  }
  if (permission.scope !== undefined) {
    for (const issue of checkCondition(permission.scope, toConditionScope(form, { app }), 'sql')) {
      issues.push({ ...issue, path: issue.path ? `${path}.scope.${issue.path}` : `${path}.scope` })
    }
  }
}
