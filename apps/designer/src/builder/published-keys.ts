import type { AppDefinition, MigrationStep } from '@trellis/form-engine'
import { allFieldPaths, fieldPath } from '../forms/state/designer-reducer'

/**
 * Which draft fields already exist in the published version, read off the migration plan: everything the
 * plan does not create is published. (No endpoint returns the published definition itself; when the plan
 * cannot be computed, every key is treated as published, which errs on the safe side.)
 */
export function publishedFieldPaths(
  draft: AppDefinition,
  publishedVersion: number | null,
  steps: readonly MigrationStep[] | undefined,
): string[] {
  if (publishedVersion === null) return []
  const all = allFieldPaths(draft)
  if (!steps) return all
  const newForms = new Set(steps.filter((step) => step.kind === 'create_table').map((step) => step.form))
  const newFields = new Set(
    steps.flatMap((step) => (step.kind === 'add_column' ? [fieldPath(step.form, step.field)] : [])),
  )
  return all.filter((path) => !newForms.has(path.split('.')[0]!) && !newFields.has(path))
}
