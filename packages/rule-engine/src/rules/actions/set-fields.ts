import type { JsonLogic } from '../../types.js'
import { checkWritableField, evaluateValues, type ActionModule } from './action.js'

interface SetFieldsConfig {
  type: 'set_fields'
  /** Field key → value; a JsonLogic object is an expression over the record (`{"+": [{"var": "points"}, 100]}`). */
  values: Record<string, JsonLogic>
}

export const setFields: ActionModule<SetFieldsConfig> = {
  type: 'set_fields',
  needsRecord: true,
  configSchema: {
    type: 'object',
    required: ['type', 'values'],
    additionalProperties: false,
    properties: {
      type: { const: 'set_fields' },
      values: { type: 'object', minProperties: 1 },
    },
  },
  check(config, ctx) {
    return Object.entries(config.values).flatMap(([key, logic]) => [
      ...checkWritableField(ctx.form, key, `values.${key}`),
      ...ctx.checkExpression(logic, `values.${key}`),
    ])
  },
  plan(config, input) {
    return { kind: 'update_record', values: evaluateValues(config.values, input) }
  },
}
