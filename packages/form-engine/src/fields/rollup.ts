import type { ConditionFieldType } from '../condition-types.js'
import { FormEngineError, appIssue } from '../errors.js'
import type { FieldDef, RollupAggregate } from '../types.js'
import type { ConfigIssue, FieldContext, FieldTypeModule, JsonSchema } from './field-type.js'
import { passThrough } from './computed.js'

export const ROLLUP_AGGREGATES: RollupAggregate[] = ['count', 'sum', 'min', 'max', 'avg']

/** The child field a min/max rollup aggregates; its type decides the rollup's. Needs the app to look it up. */
export function rollupChildField(field: FieldDef, ctx: FieldContext): FieldDef {
  const child = ctx.app?.forms
    .find((form) => form.key === field.rollup?.form)
    ?.fields.find((candidate) => candidate.key === field.rollup?.field)
  if (!child) throw new FormEngineError([appIssue(field.key, 'rollup.needs_app', { field: field.key })])
  return child
}

// Imported lazily through a setter to avoid a cycle: the registry imports this module.
let lookup: (type: string) => FieldTypeModule | undefined = () => undefined
export function setRollupLookup(fn: typeof lookup): void {
  lookup = fn
}

function childModule(field: FieldDef, ctx: FieldContext): { child: FieldDef; module: FieldTypeModule } {
  const child = rollupChildField(field, ctx)
  const module = lookup(child.type)
  if (!module) throw new FormEngineError([appIssue(field.key, 'rollup.needs_app', { field: field.key })])
  return { child, module }
}

/**
 * count/sum/min/max/avg over the child records whose relation (`via`) points at this record, optionally
 * filtered by `where`. The stored column is maintained by the server; this module only types it.
 */
export const rollupField: FieldTypeModule = {
  type: 'rollup',
  writable: false,
  sortable: true,
  filterable: true,
  uniqueable: false,
  conditionType: (field, ctx): ConditionFieldType => {
    const aggregate = field.rollup?.aggregate
    if (aggregate === 'count') return 'number'
    if (aggregate === 'sum' || aggregate === 'avg') return 'decimal'
    const { child, module } = childModule(field, ctx)
    return module.conditionType(child, ctx)
  },
  // Sums and averages are unconstrained numeric: exact whatever the child's scale, never overflowing.
  column: (field, ctx) => {
    const aggregate = field.rollup?.aggregate
    if (aggregate === 'count') return 'integer'
    if (aggregate === 'sum' || aggregate === 'avg') return 'numeric'
    const { child, module } = childModule(field, ctx)
    return module.column(child, ctx)
  },
  jsonSchema: () => ({}),
  storedSchema: (field, ctx): JsonSchema => {
    const aggregate = field.rollup?.aggregate
    if (aggregate === 'count') return { type: 'integer' }
    if (aggregate === 'sum' || aggregate === 'avg') return { type: 'string' }
    const { child, module } = childModule(field, ctx)
    return module.storedSchema ? module.storedSchema(child, ctx) : module.jsonSchema(child)
  },
  normalize: passThrough,
  invalidCode: 'field.invalid_value',
  validateConfig: (field) => {
    const rollup = field.rollup
    if (!rollup || typeof rollup !== 'object') return [{ path: 'rollup', code: 'config.rollup_missing' }]
    const issues: ConfigIssue[] = []
    if (typeof rollup.form !== 'string' || rollup.form === '') {
      issues.push({ path: 'rollup.form', code: 'config.unknown_form', params: { form: String(rollup.form) } })
    }
    if (typeof rollup.via !== 'string' || rollup.via === '') {
      issues.push({ path: 'rollup.via', code: 'config.unknown_field', params: { field: String(rollup.via) } })
    }
    if (!ROLLUP_AGGREGATES.includes(rollup.aggregate)) {
      issues.push({
        path: 'rollup.aggregate',
        code: 'config.invalid_aggregate',
        params: { aggregate: rollup.aggregate },
      })
    } else if (rollup.aggregate !== 'count' && (typeof rollup.field !== 'string' || rollup.field === '')) {
      issues.push({ path: 'rollup.field', code: 'config.rollup_field_required' })
    }
    return issues
  },
}
