/**
 * Schema pieces the route files share: path parameters follow the form engine's key rules, so a request
 * naming an app, form or record that could not exist is refused by validation before any lookup.
 */
export const appKey = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } as const
export const formKey = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } as const
export const recordId = { type: 'string', pattern: '^[1-9][0-9]{0,18}$' } as const

export const appParams = { type: 'object', required: ['app'], properties: { app: appKey } } as const
export const formParams = {
  type: 'object',
  required: ['app', 'form'],
  properties: { app: appKey, form: formKey },
} as const
export const recordParams = {
  type: 'object',
  required: ['app', 'form', 'id'],
  properties: { app: appKey, form: formKey, id: recordId },
} as const

/** An object whose shape a service checks itself (records against their form, grids, plans). */
export const anyObject = { type: 'object', additionalProperties: true } as const
export const locale = { type: 'string', enum: ['zh-CN', 'en'] } as const

/**
 * A PivotSpec's outer shape; the report engine checks its structure against the app's forms (with dotted
 * paths in the error) when it compiles it.
 */
export const pivotSpec = {
  type: 'object',
  required: ['source', 'measures'],
  properties: {
    source: { type: 'string' },
    measures: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object' } },
    rows: { type: 'array', maxItems: 20, items: { type: 'object' } },
    columns: { type: 'array', maxItems: 20, items: { type: 'object' } },
  },
  additionalProperties: true,
} as const
