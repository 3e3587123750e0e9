const key = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' }

/** JSON Schema of each trigger kind (shape only; meaning is checked in validate-rule.ts). */
export const triggerSchemas: Record<string, Record<string, unknown>> = {
  record: {
    type: 'object',
    required: ['kind', 'form', 'on'],
    additionalProperties: false,
    properties: {
      kind: { const: 'record' },
      form: key,
      on: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: ['created', 'updated', 'deleted'] },
      },
      fields: { type: 'array', minItems: 1, items: key },
    },
  },
  cron: {
    type: 'object',
    required: ['kind', 'cron'],
    additionalProperties: false,
    properties: {
      kind: { const: 'cron' },
      cron: { type: 'string', minLength: 1, maxLength: 200 },
      timeZone: { type: 'string', minLength: 1 },
      form: key,
    },
  },
  date: {
    type: 'object',
    required: ['kind', 'form', 'field'],
    additionalProperties: false,
    properties: {
      kind: { const: 'date' },
      form: key,
      field: key,
      amount: { type: 'integer', minimum: -3660, maximum: 3660 },
      unit: { enum: ['days', 'hours'] },
      yearly: { type: 'boolean' },
      at: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    },
  },
  manual: {
    type: 'object',
    required: ['kind', 'form'],
    additionalProperties: false,
    properties: { kind: { const: 'manual' }, form: key },
  },
}
