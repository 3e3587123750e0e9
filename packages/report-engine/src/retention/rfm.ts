import type { Dimension, PivotSpec } from '../types.js'
import { all, inWindow, withDefaults, type OrdersModel } from './model.js'
import { chineseSegments, segmentCondition, type SegmentMap } from './segments.js'

export interface RfmOptions {
  /** Only orders in `[from, to)` count (order-date bounds, 'YYYY-MM-DD' or ISO instants). */
  from?: string
  to?: string
  buckets?: number
  segments?: SegmentMap
  /** `segment` (default): customers per segment; `customer`: one row per customer with its scores. */
  by?: 'segment' | 'customer'
}

/**
 * RFM scoring: per customer the last purchase date (recency), the number of purchases (frequency) and
 * their net amount (monetary, refunds and negative amounts included), each turned into a 1…5 quantile score
 * with ties kept together; more recent, more frequent, more spent = higher. Customers with no qualifying
 * order are not scored (they are no part of the ranking).
 */
export function rfmSpec(model: OrdersModel = {}, options: RfmOptions = {}): PivotSpec {
  const m = withDefaults(model)
  const buckets = options.buckets ?? 5
  const segments = options.segments ?? chineseSegments
  const segment: Dimension = {
    cases: segments.rules.map((rule) => ({
      value: rule.value,
      label: rule.label,
      when: segmentCondition(rule, buckets),
    })),
    ...(segments.otherwise ? { otherwise: segments.otherwise } : {}),
    label: { 'zh-CN': '客户分群', en: 'Segment' },
  }
  const filter = all(m.where, inWindow(m.date, options.from, options.to))
  return {
    source: m.customers,
    related: {
      purchases: {
        form: m.orders,
        via: m.customer,
        ...(filter !== undefined ? { filter } : {}),
        values: {
          last: { agg: 'max', field: m.date },
          count: { agg: 'count' },
          amount: { agg: 'sum', field: m.amount },
        },
      },
    },
    filter: { '>=': [{ var: 'purchases.count' }, 1] },
    windows: {
      r: { fn: 'quantile', field: 'purchases.last', buckets },
      f: { fn: 'quantile', field: 'purchases.count', buckets },
      m: { fn: 'quantile', field: 'purchases.amount', buckets },
    },
    rows:
      options.by === 'customer'
        ? [{ field: 'id' }, { field: 'window:r' }, { field: 'window:f' }, { field: 'window:m' }, segment]
        : [segment],
    measures: [
      { key: 'customers', agg: 'count', label: { 'zh-CN': '客户数', en: 'Customers' } },
      { key: 'amount', agg: 'sum', field: 'purchases.amount', label: { 'zh-CN': '消费金额', en: 'Amount' } },
      { key: 'orders', agg: 'sum', field: 'purchases.count', label: { 'zh-CN': '订单数', en: 'Orders' } },
      {
        key: 'share',
        agg: 'count',
        showAs: 'share_of_column_total',
        label: { 'zh-CN': '占比', en: 'Share' },
      },
    ],
    totals: options.by === 'customer' ? {} : { rows: true },
  }
}
