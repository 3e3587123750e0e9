import type { MigrationStep } from '@trellis/form-engine'

/** The ids a publish must confirm: exactly the lossy steps, in plan order. */
export function lossyStepIds(steps: readonly MigrationStep[]): string[] {
  return steps.filter((step) => step.lossy).map((step) => step.id)
}

/** `customers.phone` for field steps, `customers` for table steps. */
export function stepTarget(step: MigrationStep): string {
  return 'field' in step && step.field ? `${step.form}.${step.field}` : step.form
}
