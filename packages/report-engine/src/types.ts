import type { JsonLogic } from '@trellis/rule-engine'
import type { LocalizedText } from '@trellis/form-engine'

/**
 * A field reference inside a pivot:
 * - `amount` — a field (or system field) of the source form;
 * - `customer.tier`, `customer.store.name` — through many-to-one relation fields (left joins);
 * - `orders.count` — a value of a `related` aggregate (one-to-many, pre-aggregated per source record);
 * - `window:first` — a value of a `windows` entry (per-record window function, e.g. first purchase, RFM score).
 */
export type FieldRef = string

export type DateBucket = 'day' | 'week' | 'month' | 'quarter' | 'year'

export interface ValueDimension {
  field: FieldRef
  /** Date buckets in the app's time zone (date/datetime fields only). */
  bucket?: DateBucket
  /** Number bins `[origin + k·width, origin + (k+1)·width)` (number/decimal fields only). */
  bin?: { width: number; origin?: number }
  label?: LocalizedText
}

/** Whole periods between two dates (`to` − `from`), e.g. months since a customer's first purchase. */
export interface OffsetDimension {
  offset: { from: FieldRef; to: FieldRef; unit: 'day' | 'week' | 'month' }
  label?: LocalizedText
}

/** Named buckets chosen by JsonLogic conditions (first match wins), e.g. RFM segments. */
export interface CaseDimension {
  cases: Array<{ value: string; label?: LocalizedText; when: JsonLogic }>
  /** Value for rows no case matches; without it they are a null bucket. */
  otherwise?: { value: string; label?: LocalizedText }
  label?: LocalizedText
}

export type Dimension = ValueDimension | OffsetDimension | CaseDimension

export type Aggregation = 'count' | 'count_distinct' | 'sum' | 'avg' | 'min' | 'max' | 'median'

/** How toGrid shows a measure: its value, or a share of a total (cohort retention is share_of_first_column). */
export type ShowAs =
  'value' | 'share_of_first_column' | 'share_of_row_total' | 'share_of_column_total' | 'share_of_grand_total'

export interface AggregateMeasure {
  key: string
  agg: Aggregation
  /** Not needed for `count` (counts records). */
  field?: FieldRef
  /** Only records matching this condition are aggregated (SQL `FILTER (WHERE …)`). */
  where?: JsonLogic
  label?: LocalizedText
  showAs?: ShowAs
}

/** `numerator / denominator` of two aggregate measures of the same spec; null when the denominator is 0. */
export interface RatioMeasure {
  key: string
  ratio: [string, string]
  label?: LocalizedText
  showAs?: ShowAs
}

export type Measure = AggregateMeasure | RatioMeasure

/** A one-to-many relation aggregated per source record: `orders` of a customer through `orders.customer`. */
export interface RelatedSpec {
  form: string
  /** The relation field on `form` pointing at the source form. */
  via: string
  /** Only related records matching this (e.g. paid orders in a window). */
  filter?: JsonLogic
  values: Record<string, { agg: Exclude<Aggregation, 'median'>; field?: string }>
}

/**
 * A per-record value computed over the filtered records:
 * - `min`/`max`/`count` of a field within a partition (e.g. a customer's first order date);
 * - `quantile`: a score 1…buckets by the field's rank, ties kept together (equal values, equal score).
 */
export type WindowSpec =
  | { fn: 'min' | 'max' | 'count'; field: FieldRef; partitionBy: FieldRef[] }
  | { fn: 'quantile'; field: FieldRef; buckets?: number; descending?: boolean }

export interface TopSpec {
  /** `rows.0`, `columns.1`… */
  dimension: string
  n: number
  /** Measure key ranking the values (default: the first measure), largest first. */
  by?: string
  /** Gather the rest into one "others" bucket instead of dropping them. */
  others?: boolean
}

export interface SortSpec {
  /** `rows.0`, `columns.0`… or a measure key. */
  by: string
  direction?: 'asc' | 'desc'
}

export interface TotalsSpec {
  /** A total row at the bottom (all rows aggregated). */
  rows?: boolean
  /** A total column at the right (all columns aggregated). */
  columns?: boolean
  /** Subtotals at every level of nested row/column dimensions. */
  subtotals?: boolean
}

export interface PivotSpec {
  /** Source form key: one grid row per matching record is aggregated. */
  source: string
  related?: Record<string, RelatedSpec>
  windows?: Record<string, WindowSpec>
  rows?: Dimension[]
  columns?: Dimension[]
  measures: Measure[]
  /** JsonLogic over the source (and joined / related) fields, applied before aggregation. */
  filter?: JsonLogic
  totals?: TotalsSpec
  sort?: SortSpec[]
  top?: TopSpec[]
}
