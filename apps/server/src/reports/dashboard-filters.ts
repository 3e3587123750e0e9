import type { ChartSpec, PivotSpec } from '@trellis/report-engine'
import type { JsonLogic } from '@trellis/rule-engine'
import { AppError } from '../http/errors.js'

export type LocalizedName = Partial<Record<'zh-CN' | 'en', string>>

/** A dashboard-wide filter: a date range (`{ from?, to? }`, inclusive) or a value (one, or a list). */
export interface DashboardFilter {
  key: string
  type: 'date_range' | 'value'
  label?: LocalizedName
}

/** One tile of a dashboard: a saved report placed on a 12-column grid, with the global filters it follows. */
export interface DashboardWidget {
  key: string
  report: string
  x: number
  y: number
  w: number
  h: number
  title?: string
  /** Overrides the report's chart. */
  chart?: ChartSpec
  /** Global filter key → the field of the report's pivot it restricts (`ordered_on`, `customer.store`). */
  bind?: Record<string, string>
}

export type FilterValue = { from?: string; to?: string } | string | number | boolean | Array<string | number>

/**
 * The spec a widget runs: the report's spec with the dashboard's filter values AND-ed into its filter. The
 * filter then goes through the same access checks and compilation as any pivot filter (values are
 * parameters, bound fields are checked against the viewer's hidden and masked fields).
 */
export function specWithFilters(
  spec: PivotSpec,
  widget: Pick<DashboardWidget, 'bind' | 'key'>,
  filters: DashboardFilter[],
  values: Record<string, FilterValue | null | undefined>,
): PivotSpec {
  const conditions: JsonLogic[] = []
  for (const [key, field] of Object.entries(widget.bind ?? {})) {
    const filter = filters.find((f) => f.key === key)
    const value = values[key]
    if (!filter || value === undefined || value === null) continue
    const ref = { var: field }
    if (filter.type === 'date_range') {
      if (typeof value !== 'object' || Array.isArray(value))
        throw new AppError(
          400,
          'FILTER_INVALID',
          `Filter "${key}" is a date range { from, to }`,
          `filters.${key}`,
        )
      if (value.from !== undefined) conditions.push({ '>=': [ref, value.from] })
      if (value.to !== undefined) conditions.push({ '<=': [ref, value.to] })
    } else if (Array.isArray(value)) {
      conditions.push({ in: [ref, value] })
    } else if (typeof value === 'object') {
      throw new AppError(400, 'FILTER_INVALID', `Filter "${key}" is a value or a list`, `filters.${key}`)
    } else {
      conditions.push({ '==': [ref, value] })
    }
  }
  if (!conditions.length) return spec
  const all = spec.filter === undefined || spec.filter === null ? conditions : [spec.filter, ...conditions]
  return { ...spec, filter: all.length === 1 ? all[0]! : { and: all } }
}

/** Checks a dashboard's widgets against its filters: unique keys, bindings to declared filters only. */
export function checkWidgets(filters: DashboardFilter[], widgets: DashboardWidget[]): void {
  const filterKeys = new Set<string>()
  filters.forEach((f, i) => {
    if (filterKeys.has(f.key))
      throw new AppError(400, 'DUPLICATE_KEY', `Filter "${f.key}" twice`, `filters.${i}.key`)
    filterKeys.add(f.key)
  })
  const keys = new Set<string>()
  widgets.forEach((w, i) => {
    if (keys.has(w.key))
      throw new AppError(400, 'DUPLICATE_KEY', `Widget "${w.key}" twice`, `widgets.${i}.key`)
    keys.add(w.key)
    for (const key of Object.keys(w.bind ?? {})) {
      if (!filterKeys.has(key))
        throw new AppError(400, 'FILTER_UNKNOWN', `No dashboard filter "${key}"`, `widgets.${i}.bind.${key}`)
    }
  })
}
