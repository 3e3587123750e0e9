import { archiveName, columnArchiveNames } from './archive-names.js'
import { FormEngineError, type AppIssue } from './errors.js'
import type { MigrationStep } from './migration-steps.js'
import { sortSteps } from './migration-steps.js'
import { planMigration } from './plan-migration.js'
import type { AppDefinition, FormSchema } from './types.js'
import { validateApp } from './validate-app.js'

export interface AppMigrationOptions {
  /** Per form: column names that exist in its table today (avoids reusing an archive name). */
  existingColumns?: Record<string, readonly string[]>
  /** Table names that exist today. */
  existingTables?: readonly string[]
}

/** Tables referenced by relations come first, so foreign keys can be created with their tables (cycles keep app order). */
function byDependency(forms: FormSchema[]): FormSchema[] {
  const keys = new Set(forms.map((form) => form.key))
  const ordered: FormSchema[] = []
  const placed = new Set<string>()
  const visiting = new Set<string>()
  const visit = (form: FormSchema) => {
    if (placed.has(form.key) || visiting.has(form.key)) return
    visiting.add(form.key)
    for (const field of form.fields) {
      const target = field.type === 'relation' ? field.relation?.form : undefined
      const dependency =
        target && keys.has(target) ? forms.find((candidate) => candidate.key === target) : undefined
      if (dependency) visit(dependency)
    }
    visiting.delete(form.key)
    placed.add(form.key)
    ordered.push(form)
  }
  forms.forEach(visit)
  return ordered
}

/**
 * Every step to take an app's tables from `oldApp` (undefined for a first publish) to `newApp`, in the order
 * to run them. Throws FormEngineError with all issues when `newApp` is invalid or a change cannot be planned.
 */
export function planAppMigration(
  oldApp: AppDefinition | undefined,
  newApp: AppDefinition,
  options: AppMigrationOptions = {},
): MigrationStep[] {
  const invalid = validateApp(newApp)
  if (invalid.length > 0) throw new FormEngineError(invalid)
  const oldForms = new Map((oldApp?.forms ?? []).map((form) => [form.key, form]))
  const newKeys = new Set(newApp.forms.map((form) => form.key))
  const tablesTaken = new Set<string>(options.existingTables ?? [])
  for (const form of [...(oldApp?.forms ?? []), ...newApp.forms])
    if (form.archivedTable) tablesTaken.add(form.archivedTable)

  const steps: MigrationStep[] = []
  const issues: AppIssue[] = []
  const plan = (oldForm: FormSchema | undefined, newForm: FormSchema | undefined, path: string) => {
    try {
      const formSteps = planMigration(oldForm, newForm, {
        ...(oldApp ? { oldApp } : {}),
        newApp,
        path,
        existingTables: [...tablesTaken],
        ...(options.existingColumns?.[(newForm ?? oldForm)!.key]
          ? { existingColumns: options.existingColumns[(newForm ?? oldForm)!.key] }
          : {}),
      })
      for (const step of formSteps) if (step.kind === 'archive_table') tablesTaken.add(step.to)
      steps.push(...formSteps)
    } catch (error) {
      if (error instanceof FormEngineError) issues.push(...error.issues)
      else throw error
    }
  }
  for (const form of byDependency(newApp.forms))
    plan(oldForms.get(form.key), form, `forms.${newApp.forms.indexOf(form)}`)
  for (const form of oldApp?.forms ?? [])
    if (!newKeys.has(form.key)) plan(form, undefined, `forms.${form.key}`)
  if (issues.length > 0) throw new FormEngineError(issues)
  return sortSteps(steps)
}

/**
 * The definition to store after applying a plan: removed forms and fields come back as archived tombstones
 * (`archived: true` with their archive names), so a later version can restore them and keys are never reused.
 * Uses the same naming as planAppMigration for the same inputs.
 */
export function applyArchives(
  oldApp: AppDefinition | undefined,
  newApp: AppDefinition,
  options: AppMigrationOptions = {},
): AppDefinition {
  if (!oldApp) return newApp
  const tablesTaken = new Set<string>(options.existingTables ?? [])
  for (const form of [...oldApp.forms, ...newApp.forms])
    if (form.archivedTable) tablesTaken.add(form.archivedTable)
  const forms = newApp.forms.map((form) => {
    const before = oldApp.forms.find((candidate) => candidate.key === form.key)
    if (!before || before.archived) return form
    if (form.archived && !form.archivedTable) {
      const archivedTable = archiveName(form.key, tablesTaken)
      tablesTaken.add(archivedTable)
      return { ...form, archivedTable }
    }
    const names = columnArchiveNames(
      before,
      form,
      options.existingColumns?.[form.key] ? { existingColumns: options.existingColumns[form.key] } : {},
    )
    const fields = form.fields.map((field) => {
      const name = names.get(field.key)
      return name ? { ...field, archived: true, archivedColumn: name } : field
    })
    for (const field of before.fields) {
      const name = names.get(field.key)
      if (name && !form.fields.some((candidate) => candidate.key === field.key)) {
        fields.push({ ...field, archived: true, archivedColumn: name })
      }
    }
    return { ...form, fields }
  })
  for (const form of oldApp.forms) {
    if (newApp.forms.some((candidate) => candidate.key === form.key)) continue
    if (form.archived) {
      forms.push(form)
      continue
    }
    const archivedTable = archiveName(form.key, tablesTaken)
    tablesTaken.add(archivedTable)
    forms.push({ ...form, archived: true, archivedTable })
  }
  return { ...newApp, forms }
}
