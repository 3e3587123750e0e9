import type { JsonLogic } from '../../types.js'
import { checkWritableField, evaluateValues, fieldOf, type ActionModule } from './action.js'

interface CreateRecordConfig {
  type: 'create_record'
  form: string
  /** Field key → expression over the triggering record (`{"var": "id"}` links back to it). */
  values: Record<string, JsonLogic>
  /** Fields filled with a generated code, e.g. a coupon `{ code: { prefix: 'CP', length: 8 } }`. */
  codes?: Record<string, { prefix?: string; length: number }>
}

export const createRecord: ActionModule<CreateRecordConfig> = {
  type: 'create_record',
  needsRecord: false,
  configSchema: {
    type: 'object',
    required: ['type', 'form', 'values'],
    additionalProperties: false,
    properties: {
      type: { const: 'create_record' },
      form: { type: 'string', minLength: 1 },
      values: { type: 'object' },
      codes: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['length'],
          additionalProperties: false,
          properties: {
            prefix: { type: 'string', pattern: '^[A-Za-z0-9_-]{0,16}$' },
            length: { type: 'integer', minimum: 4, maximum: 32 },
          },
        },
      },
    },
  },
  check(config, ctx) {
    const target = ctx.app.forms.find((f) => f.key === config.form && !f.archived)
    if (!target)
      return [{ code: 'UNKNOWN_FORM', message: `The app has no form "${config.form}"`, path: 'form' }]
    const issues = Object.entries(config.values).flatMap(([key, logic]) => [
      ...checkWritableField(target, key, `values.${key}`),
      // Expressions read the triggering record, not the new one.
      ...ctx.checkExpression(logic, `values.${key}`),
    ])
    for (const key of Object.keys(config.codes ?? {})) {
      const field = fieldOf(target, key)
      if (!field)
        issues.push({
          code: 'UNKNOWN_FIELD',
          message: `Form ${target.key} has no field "${key}"`,
          path: `codes.${key}`,
        })
      else if (field.type !== 'text')
        issues.push({
          code: 'NOT_A_TEXT_FIELD',
          message: `A generated code needs a text field, ${key} is ${field.type}`,
          path: `codes.${key}`,
        })
    }
    return issues
  },
  plan(config, input) {
    const codes: Record<string, { prefix: string; length: number }> = {}
    for (const [key, spec] of Object.entries(config.codes ?? {}))
      codes[key] = { prefix: spec.prefix ?? '', length: spec.length }
    return { kind: 'create_record', form: config.form, values: evaluateValues(config.values, input), codes }
  },
}
