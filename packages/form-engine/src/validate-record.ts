import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { ConditionContext } from './condition-types.js'
import { fieldError, type FieldError } from './errors.js'
import { fieldStates } from './field-states.js'
import { findFieldType } from './fields/registry.js'
import { activeFields, toJsonSchema } from './json-schema.js'
import { isSystemKey } from './identifiers.js'
import { applyPipelines } from './pipeline.js'
import type { FieldDef, FormSchema } from './types.js'

export interface ValidateOptions {
  /** `create`: a whole new record; `update`: a partial patch, only its fields are checked. */
  mode: 'create' | 'update'
  /** Condition context (`$user`, `$now`…) for visibleWhen/requiredWhen. */
  context?: ConditionContext
  /** update: the stored record, so that requiredWhen sees the merged record and can demand a missing field. */
  existing?: Record<string, unknown>
  /** When a pipeline stage changes, its `enteredAt` field gets this time (default: the clock). */
  now?: Date
}

export type ValidationResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldError[] }

export type RecordValidator = (input: unknown, options: ValidateOptions) => ValidationResult

let sharedAjv: Ajv | undefined
function ajv(): Ajv {
  if (!sharedAjv) {
    sharedAjv = new Ajv({ allErrors: true, strict: false })
    addFormats(sharedAjv)
  }
  return sharedAjv
}

// One compiled validator per form object; a new form version is a new object and gets its own.
const validators = new WeakMap<FormSchema, RecordValidator>()

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
}

function rootOf(path: string): string {
  return path.split('.')[0] ?? ''
}

function pathOf(instancePath: string): string {
  return instancePath.split('/').filter(Boolean).join('.')
}

function ajvError(error: ErrorObject, field: FieldDef): FieldError {
  const path = pathOf(error.instancePath)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'type':
      return fieldError(path, 'field.invalid_type', { expected: String(params.type) })
    case 'maxLength':
      return fieldError(path, 'field.too_long', { max: params.limit })
    case 'minLength':
      return fieldError(path, 'field.too_short', { min: params.limit })
    case 'minimum':
    case 'exclusiveMinimum':
      return fieldError(path, 'field.too_small', { min: params.limit })
    case 'maximum':
    case 'exclusiveMaximum':
      return fieldError(path, 'field.too_large', { max: params.limit })
    case 'maxItems':
      return fieldError(path, 'field.too_many_items', { max: params.limit })
    case 'enum':
      return fieldError(path, 'field.invalid_option', { value: error.data as unknown })
    default:
      return fieldError(path, findFieldType(field.type)?.invalidCode ?? 'field.invalid_value')
  }
}

const noProperties: Record<string, unknown> = {}

/** A field's value in the record `{ ...existing, ...value }` (without building that record). */
function mergedValue(
  value: Record<string, unknown>,
  existing: Record<string, unknown> | undefined,
  key: string,
): unknown {
  if (Object.hasOwn(value, key)) return value[key]
  if (existing !== undefined && existing !== null && Object.hasOwn(existing, key)) return existing[key]
  return noProperties[key]
}

function compile(form: FormSchema): RecordValidator {
  const fields = new Map(activeFields(form).map((field) => [field.key, field]))
  // Presence is decided by fieldStates (visibleWhen/requiredWhen), so ajv checks shapes only.
  const schema = toJsonSchema(form, { mode: 'update' })
  delete schema.additionalProperties
  const fieldOrder = [...fields.keys()]
  const check: ValidateFunction = ajv().compile(schema)
  // ajv caches by schema object; forms come and go, so do not let its cache keep them alive.
  ajv().removeSchema(schema)

  // What a record does not change, looked up once per form (an import validates a million records).
  const types = new Map([...fields.values()].map((field) => [field.key, findFieldType(field.type)]))
  const writable = (field: FieldDef) => Boolean(types.get(field.key)?.writable)
  const defaults = [...fields.values()].filter((field) => field.default !== undefined && writable(field))
  const pipelines = [...fields.values()].some((field) => field.pipeline !== undefined)
  // Without visibleWhen/requiredWhen anywhere, every active field is visible and required-ness is the
  // field's own `required`: the states need not be evaluated per record (fieldStates gives the same).
  const conditional = form.fields.some(
    (field) => !field.archived && (field.visibleWhen !== undefined || field.requiredWhen !== undefined),
  )
  const staticRequired = [...fields.values()].filter((field) => Boolean(field.required))

  return (input, options) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return { ok: false, errors: [fieldError('', 'record.not_object')] }
    }
    const errors: FieldError[] = []
    const given: Record<string, unknown> = {}
    const record = input as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const field = fields.get(key)
      if (isSystemKey(key) || (field && !writable(field))) {
        errors.push(fieldError(key, 'field.read_only'))
      } else if (!field) {
        errors.push(fieldError(key, 'field.unknown'))
      } else {
        given[key] = record[key]
      }
    }

    let badShape: Set<string> | undefined
    if (!check(given)) {
      badShape = new Set<string>()
      const seen = new Set<string>()
      for (const error of check.errors ?? []) {
        const root = error.instancePath.split('/')[1] ?? ''
        const field = fields.get(root)
        const path = pathOf(error.instancePath)
        // A value failing several keywords gets one error, the first, which is the most basic.
        if (!field || seen.has(path) || badShape.has(root)) continue
        seen.add(path)
        badShape.add(root)
        errors.push(ajvError(error, field))
      }
    }

    const value: Record<string, unknown> = {}
    for (const key of Object.keys(given)) {
      if (badShape?.has(key)) continue
      const raw = given[key]
      if (raw === null || raw === undefined) {
        value[key] = null
        continue
      }
      const normalized = types.get(key)!.normalize(raw, fields.get(key)!)
      if (normalized.ok) value[key] = normalized.value
      else
        errors.push(
          fieldError(normalized.path ? `${key}.${normalized.path}` : key, normalized.code, normalized.params),
        )
    }

    if (options.mode === 'create') {
      for (const field of defaults) {
        if (field.key in given) continue
        const normalized = types.get(field.key)!.normalize(field.default, field)
        if (normalized.ok) value[field.key] = normalized.value
      }
    }

    if (pipelines) {
      applyPipelines(
        fields.values(),
        value,
        options.mode === 'update' ? options.existing : undefined,
        options.now ?? new Date(),
        errors,
      )
    }
    const existing = options.mode === 'update' ? options.existing : undefined
    let failed: Set<string | undefined> | undefined
    const states = conditional ? fieldStates(form, { ...existing, ...value }, options.context) : undefined
    for (const field of states ? fields.values() : staticRequired) {
      if ((states && !states[field.key]?.required) || !writable(field)) continue
      failed ??= new Set(errors.map((error) => error.path.split('.')[0]))
      if (failed.has(field.key)) continue
      // On update, fields nobody sent are left alone, except a requiredWhen the patch may have just triggered
      // (status → lost demands lost_reason), which needs the stored record to judge. A plain `required` added
      // after old rows existed must not block every later edit of those rows.
      const checkable =
        options.mode === 'create' ||
        field.key in given ||
        (options.existing !== undefined && field.requiredWhen !== undefined)
      if (checkable && isEmpty(mergedValue(value, existing, field.key)))
        errors.push(fieldError(field.key, 'field.required'))
    }

    if (errors.length === 0) return { ok: true, value }
    // Shape errors (ajv) and value errors (normalize) are found in two passes; show them in form order.
    // Keys that are not fields of the form (-1) come first.
    const order = (error: FieldError) => fieldOrder.indexOf(rootOf(error.path))
    return { ok: false, errors: errors.sort((a, b) => order(a) - order(b)) }
  }
}

/**
 * Compiles (once per form object) a validator that checks and normalizes a record's input: unknown fields,
 * read-only fields, shapes (ajv), per-type normalization (phones, decimals, tags, dates) and required-ness
 * (static, visibleWhen, requiredWhen on the merged record). Formulas are not computed here: see computeFormulas.
 */
export function compileFormValidator(form: FormSchema): RecordValidator {
  let validator = validators.get(form)
  if (!validator) {
    validator = compile(form)
    validators.set(form, validator)
  }
  return validator
}
