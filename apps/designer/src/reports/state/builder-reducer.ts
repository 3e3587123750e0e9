import type { Aggregation, ChartType, DateBucket, PivotSpec } from '@trellis/report-engine'
import type { LocalizedName, SavedReport } from '../../api/reports'
import type { FieldUse, PaletteField } from './palette-fields'
import { fromSpec } from './to-spec'

export type DimensionZone = 'rows' | 'columns'
export type Zone = DimensionZone | 'measures' | 'filters'
type ListZone = DimensionZone | 'measures'

/** A field grouped by in rows or columns; dates are bucketed (month by default). */
export interface DimensionItem {
  id: number
  field: string
  use: FieldUse
  bucket?: DateBucket
}

/** An aggregate: `count` without a field counts records. */
export interface MeasureItem {
  id: number
  field?: string
  use?: FieldUse
  agg: Aggregation
}

export interface BuilderState {
  source: string | null
  rows: DimensionItem[]
  columns: DimensionItem[]
  measures: MeasureItem[]
  /** The pivot's filter (JsonLogic, edited with the condition builder); undefined for none. */
  filter?: unknown
  /** Parts of a loaded spec the builder does not edit (related values, windows, sort, top-N), kept as they are. */
  kept?: Pick<PivotSpec, 'related' | 'windows' | 'sort' | 'top'>
  /** The loaded spec had dimensions or measures the builder cannot show (cases, offsets, bins, ratios). */
  lossy?: boolean
  chart: ChartType
  totals: boolean
  /** The saved report being edited (null: a new one). */
  report: { id: string; version: number; name: LocalizedName } | null
  nextId: number
}

/** A field as dragged from the palette (`ref` empty: "number of records"). */
export interface DroppedField {
  ref: string
  use: FieldUse
}

export type BuilderAction =
  | { type: 'source'; form: string }
  | { type: 'drop'; field: DroppedField; zone: Zone; index?: number }
  | { type: 'move'; from: { zone: Zone; index: number }; to: { zone: Zone; index?: number } }
  | { type: 'remove'; zone: Zone; index: number }
  | { type: 'bucket'; zone: DimensionZone; index: number; bucket: DateBucket | null }
  | { type: 'aggregation'; index: number; agg: Aggregation }
  /** The whole filter, as the condition builder writes it. */
  | { type: 'filter'; filter: unknown }
  /** A field dropped on the filters: its first condition (built by the condition builder's rules), AND-ed. */
  | { type: 'addCondition'; condition: unknown }
  | { type: 'chart'; chart: ChartType }
  | { type: 'totals'; on: boolean }
  | { type: 'load'; report: SavedReport; fields: readonly PaletteField[] }
  | { type: 'saved'; report: SavedReport }
  | { type: 'new' }

export const DATE_BUCKETS: readonly DateBucket[] = ['day', 'week', 'month', 'quarter', 'year']

/** Aggregations a field of this use supports (the engine's allow-list: sums need numbers, min/max order). */
export function aggregationsFor(use: FieldUse | undefined): Aggregation[] {
  if (use === undefined) return ['count']
  if (use === 'number') return ['sum', 'avg', 'min', 'max', 'median', 'count', 'count_distinct']
  if (use === 'date') return ['min', 'max', 'count', 'count_distinct']
  if (use === 'boolean') return ['count', 'count_distinct']
  return ['count', 'count_distinct', 'min', 'max']
}

export const initialBuilderState: BuilderState = {
  source: null,
  rows: [],
  columns: [],
  measures: [],
  chart: 'bar',
  totals: true,
  report: null,
  nextId: 1,
}

const isDimensionZone = (zone: Zone): zone is DimensionZone => zone === 'rows' || zone === 'columns'

function insert<T>(list: readonly T[], item: T, index: number | undefined): T[] {
  const at = index === undefined || index < 0 || index > list.length ? list.length : index
  return [...list.slice(0, at), item, ...list.slice(at)]
}

/** The item a palette field becomes in a zone, or null when the zone cannot take it. */
function itemFor(state: BuilderState, field: DroppedField, zone: Zone) {
  const id = state.nextId
  if (isDimensionZone(zone)) {
    if (!field.ref) return null
    const taken = [...state.rows, ...state.columns].some((d) => d.field === field.ref)
    if (taken) return null
    return { id, field: field.ref, use: field.use, ...(field.use === 'date' ? { bucket: 'month' } : {}) }
  }
  if (zone === 'measures') {
    if (!field.ref) return { id, agg: 'count' }
    return { id, field: field.ref, use: field.use, agg: field.use === 'number' ? 'sum' : 'count' }
  }
  return null
}

function withZone(state: BuilderState, zone: ListZone, list: unknown[]): BuilderState {
  return { ...state, [zone]: list }
}

/**
 * The report builder's state: pure, so every edit is testable without a DOM. Rows and columns each hold a
 * field at most once across both (the engine would group by it twice); measures may repeat a field with
 * other aggregations.
 */
export function builderReducer(state: BuilderState, action: BuilderAction): BuilderState {
  switch (action.type) {
    case 'source':
      if (action.form === state.source) return state
      return { ...initialBuilderState, source: action.form, chart: state.chart, nextId: state.nextId }
    case 'drop': {
      if (action.zone === 'filters') return state
      const item = itemFor(state, action.field, action.zone)
      if (!item) return state
      const list = state[action.zone] as unknown[]
      return { ...withZone(state, action.zone, insert(list, item, action.index)), nextId: state.nextId + 1 }
    }
    case 'move': {
      const { from, to } = action
      if (from.zone === 'filters' || to.zone === 'filters') return state
      const source = state[from.zone] as Array<DimensionItem | MeasureItem>
      const item = source[from.index]
      if (!item) return state
      if (from.zone === to.zone) {
        const rest = source.filter((_, i) => i !== from.index)
        return withZone(state, from.zone, insert(rest, item, to.index))
      }
      // Across zones only rows ⇄ columns keep their meaning; anything else is a new drop of that field.
      if (!isDimensionZone(from.zone) || !isDimensionZone(to.zone)) return state
      const moved = withZone(
        state,
        from.zone,
        source.filter((_, i) => i !== from.index),
      )
      return withZone(moved, to.zone, insert(moved[to.zone], item as DimensionItem, to.index))
    }
    case 'remove':
      if (action.zone === 'filters') return state
      return withZone(
        state,
        action.zone,
        (state[action.zone] as unknown[]).filter((_, i) => i !== action.index),
      )
    case 'bucket': {
      const list = state[action.zone].map((d, i) => {
        if (i !== action.index || d.use !== 'date') return d
        const { bucket: _old, ...rest } = d
        return action.bucket ? { ...rest, bucket: action.bucket } : rest
      })
      return withZone(state, action.zone, list)
    }
    case 'aggregation': {
      const measures = state.measures.map((m, i) =>
        i === action.index && aggregationsFor(m.use).includes(action.agg) ? { ...m, agg: action.agg } : m,
      )
      return { ...state, measures }
    }
    case 'filter': {
      const { filter: _old, ...rest } = state
      return action.filter === undefined || action.filter === null ? rest : { ...rest, filter: action.filter }
    }
    case 'addCondition': {
      const current = state.filter
      if (current === undefined) return { ...state, filter: action.condition }
      const isAnd =
        typeof current === 'object' && current !== null && Array.isArray((current as { and?: unknown }).and)
      const parts = isAnd ? (current as { and: unknown[] }).and : [current]
      return { ...state, filter: { and: [...parts, action.condition] } }
    }
    case 'chart':
      return { ...state, chart: action.chart }
    case 'totals':
      return { ...state, totals: action.on }
    case 'load': {
      const loaded = fromSpec(action.report.spec, action.report.chart, action.fields, state.nextId)
      return {
        ...loaded,
        report: { id: action.report.id, version: action.report.version, name: action.report.name },
      }
    }
    case 'saved':
      return {
        ...state,
        report: { id: action.report.id, version: action.report.version, name: action.report.name },
      }
    case 'new':
      return { ...initialBuilderState, source: state.source, chart: state.chart, nextId: state.nextId }
  }
}
