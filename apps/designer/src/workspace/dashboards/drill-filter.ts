import type { AppDefinition, FormSchema } from '@trellis/form-engine'
import {
  DEFAULT_TIME_ZONE,
  drillDown,
  type DrillCell,
  type PivotGrid,
  type PivotSpec,
} from '@trellis/report-engine'
import type { DashboardFilter, DashboardWidget, FilterValue } from '../../api/reports'

type Logic = unknown

/**
 * The spec a dashboard widget runs: its report's spec with the dashboard's filter values AND-ed into the
 * filter, exactly as the server's `specWithFilters` does (`>=`/`<=` for date ranges, `==`/`in` for values),
 * so a drill-down from the widget selects the records the widget counted.
 */
export function widgetSpec(
  spec: PivotSpec,
  widget: Pick<DashboardWidget, 'bind'>,
  filters: readonly DashboardFilter[],
  values: Record<string, FilterValue | null | undefined>,
): PivotSpec {
  const conditions: Logic[] = []
  for (const [key, field] of Object.entries(widget.bind ?? {})) {
    const filter = filters.find((f) => f.key === key)
    const value = values[key]
    if (!filter || value === undefined || value === null) continue
    const ref = { var: field }
    if (filter.type === 'date_range') {
      if (typeof value !== 'object' || Array.isArray(value)) continue
      if (value.from !== undefined) conditions.push({ '>=': [ref, value.from] })
      if (value.to !== undefined) conditions.push({ '<=': [ref, value.to] })
    } else if (Array.isArray(value)) conditions.push({ in: [ref, value] })
    else if (typeof value !== 'object') conditions.push({ '==': [ref, value] })
  }
  if (!conditions.length) return spec
  const all = spec.filter === undefined || spec.filter === null ? conditions : [spec.filter, ...conditions]
  return { ...spec, filter: all.length === 1 ? all[0] : { and: all } }
}

/**
 * The JsonLogic selecting the records behind a grid cell, through the report engine's own `drillDown` (the
 * one the server's drill-down runs): the spec's filter AND one condition per dimension the cell fixes —
 * values `==`, date buckets as `[start, next start)` in the app's time zone, empty values excluded. The
 * grid carries the dimension metadata the engine needs.
 */
export function drillFilter(spec: PivotSpec, grid: PivotGrid, cell: DrillCell, timeZone?: string): Logic {
  return drillDown(spec, cell, {
    rows: grid.rowDimensions,
    columns: grid.columnDimensions,
    measures: grid.measures,
    top: [],
    totals: spec.totals ?? {},
    timeZone: timeZone ?? DEFAULT_TIME_ZONE,
  })
}

/** The ids of a form's records matching a condition over that form's own fields. */
export type IdLookup = (form: string, filter: Logic) => Promise<string[]>

const COMPARISONS = new Set(['==', '!=', '>', '>=', '<', '<=', 'in'])
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A drill filter the records view can run. The pivot reaches related forms' fields through joins
 * (`store.name`); the records API filters only the form's own fields. Each comparison over a relation path
 * becomes "the relation is one of the target records matching the rest of the path" (`store in […ids]`),
 * recursively for deeper paths; an `== null` over a path also matches records with no related record, as
 * the pivot's left join does. Everything else is kept as it is.
 */
export async function toRecordsFilter(
  logic: Logic,
  app: Pick<AppDefinition, 'forms'>,
  source: string,
  lookup: IdLookup,
): Promise<Logic> {
  const form = app.forms.find((f) => f.key === source)
  if (!form) return logic
  return rewrite(logic, form, app, lookup)
}

async function rewrite(
  logic: Logic,
  form: FormSchema,
  app: Pick<AppDefinition, 'forms'>,
  lookup: IdLookup,
): Promise<Logic> {
  if (!isObject(logic)) return logic
  const entries = Object.entries(logic)
  if (entries.length !== 1) return logic
  const [op, args] = entries[0]!
  if (op === 'and' || op === 'or') {
    if (!Array.isArray(args)) return logic
    return { [op]: await Promise.all(args.map((a) => rewrite(a, form, app, lookup))) }
  }
  if (op === '!' || op === '!!') {
    const inner = Array.isArray(args) && args.length === 1 ? args[0] : args
    return { [op]: await rewrite(inner, form, app, lookup) }
  }
  if (!COMPARISONS.has(op) || !Array.isArray(args) || args.length !== 2) return logic
  const [ref, value] = args as [unknown, unknown]
  if (!isObject(ref) || typeof ref.var !== 'string' || !ref.var.includes('.')) return logic
  const [key, ...rest] = ref.var.split('.')
  const relation = form.fields.find((f) => f.key === key && f.type === 'relation' && f.relation)
  const target = relation && app.forms.find((f) => f.key === relation.relation!.form)
  if (!relation || !target) return logic
  const inner = await rewrite({ [op]: [{ var: rest.join('.') }, value] }, target, app, lookup)
  const related = { in: [{ var: relation.key }, await lookup(target.key, inner)] }
  return op === '==' && value === null ? { or: [{ '==': [{ var: relation.key }, null] }, related] } : related
}

/** The workspace link opening the records behind a drill-down: `?filter=<JsonLogic as JSON>`. */
export const filterSearch = (logic: Logic) => `filter=${encodeURIComponent(JSON.stringify(logic))}`
