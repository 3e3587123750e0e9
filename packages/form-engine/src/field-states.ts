import { compileLogic, isTruthy } from './conditions.js'
import type { CompiledCondition, ConditionContext } from './condition-types.js'
import type { FormSchema } from './types.js'

export interface FieldState {
  visible: boolean
  required: boolean
}

interface CompiledStates {
  visible: Map<string, CompiledCondition | null>
  required: Map<string, CompiledCondition | null>
}

// Compiled once per form object: forms are immutable data once published, and the designer makes new objects.
const cache = new WeakMap<FormSchema, CompiledStates>()

function tryCompile(logic: unknown): CompiledCondition | null {
  try {
    return compileLogic(logic)
  } catch {
    // validateApp reports bad conditions at design time; at run time a broken condition must not break the form.
    return null
  }
}

function compiled(form: FormSchema): CompiledStates {
  let states = cache.get(form)
  if (!states) {
    states = { visible: new Map(), required: new Map() }
    for (const field of form.fields) {
      if (field.visibleWhen !== undefined) states.visible.set(field.key, tryCompile(field.visibleWhen))
      if (field.requiredWhen !== undefined) states.required.set(field.key, tryCompile(field.requiredWhen))
    }
    cache.set(form, states)
  }
  return states
}

function evaluate(
  condition: CompiledCondition | null,
  record: unknown,
  context: ConditionContext | undefined,
  fallback: boolean,
): boolean {
  if (!condition) return fallback
  try {
    return isTruthy(condition(record, context))
  } catch {
    return fallback
  }
}

/**
 * Visibility and required-ness of each (non-archived) field for a record: `visibleWhen` hides, a hidden field
 * is never required, `required` or a truthy `requiredWhen` makes a visible field required. The same function
 * drives the designer's preview and the server's validation.
 */
export function fieldStates(
  form: FormSchema,
  record: Record<string, unknown>,
  context?: ConditionContext,
): Record<string, FieldState> {
  const conditions = compiled(form)
  const states: Record<string, FieldState> = {}
  for (const field of form.fields) {
    if (field.archived) continue
    const visible = conditions.visible.has(field.key)
      ? evaluate(conditions.visible.get(field.key) ?? null, record, context, true)
      : true
    const conditional = conditions.required.has(field.key)
      ? evaluate(conditions.required.get(field.key) ?? null, record, context, false)
      : false
    states[field.key] = { visible, required: visible && (Boolean(field.required) || conditional) }
  }
  return states
}
