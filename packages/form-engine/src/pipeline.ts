import { fieldError, type FieldError } from './errors.js'
import type { FieldDef, FormSchema } from './types.js'

/** Issues of a field's `pipeline` setting, paths relative to the form (`fields.3.pipeline.exits.0`). */
export function pipelineIssues(form: FormSchema, field: FieldDef, path: string) {
  const pipeline = field.pipeline
  if (pipeline === undefined) return []
  const issues: Array<{ path: string; code: string; params?: Record<string, unknown> }> = []
  if (field.type !== 'select' || typeof pipeline !== 'object' || pipeline === null)
    return [{ path: `${path}.pipeline`, code: 'config.invalid_pipeline' }]
  const values = new Set((field.options ?? []).map((option) => option.value))
  ;(pipeline.exits ?? []).forEach((exit, i) => {
    if (!values.has(exit))
      issues.push({
        path: `${path}.pipeline.exits.${i}`,
        code: 'config.unknown_option',
        params: { value: exit },
      })
  })
  if (pipeline.enteredAt !== undefined) {
    const target = form.fields.find((other) => other.key === pipeline.enteredAt && !other.archived)
    if (target?.type !== 'datetime')
      issues.push({
        path: `${path}.pipeline.enteredAt`,
        code: 'config.invalid_entered_at',
        params: { field: String(pipeline.enteredAt) },
      })
  }
  return issues
}

/**
 * Applies the pipelines of a form to a checked patch: refuses a forward move past the next stage (on update,
 * against the stored value) and stamps `enteredAt` when the stage changes, unless the patch sets it itself.
 * A new record may start at any stage (imports carry history).
 */
export function applyPipelines(
  fields: Iterable<FieldDef>,
  value: Record<string, unknown>,
  existing: Record<string, unknown> | undefined,
  now: Date,
  errors: FieldError[],
): void {
  for (const field of fields) {
    const pipeline = field.pipeline
    if (!pipeline || field.type !== 'select' || !(field.key in value)) continue
    const to = value[field.key]
    const from = existing?.[field.key]
    if (existing && to === from) continue
    if (pipeline.noSkip && existing && typeof from === 'string' && typeof to === 'string') {
      const exits = new Set(pipeline.exits ?? [])
      const order = (field.options ?? []).map((option) => option.value).filter((v) => !exits.has(v))
      const a = order.indexOf(from)
      const b = order.indexOf(to)
      if (a >= 0 && b > a + 1) {
        errors.push(fieldError(field.key, 'field.stage_skipped', { from, to, next: order[a + 1] }))
        continue
      }
    }
    if (pipeline.enteredAt && !(pipeline.enteredAt in value)) value[pipeline.enteredAt] = now.toISOString()
  }
}
