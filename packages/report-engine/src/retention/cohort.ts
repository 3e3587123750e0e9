import type { DateBucket, PivotSpec } from '../types.js'
import { withDefaults, type OrdersModel } from './model.js'

/**
 * Cohort retention: customers by the month of their first purchase (rows) and by months since it
 * (columns): the share of the cohort still buying in month k. Month 0 is the cohort itself (100%).
 */
export function cohortSpec(
  model: OrdersModel = {},
  options: { bucket?: Extract<DateBucket, 'month' | 'week'> } = {},
): PivotSpec {
  const m = withDefaults(model)
  const bucket = options.bucket ?? 'month'
  return {
    source: m.orders,
    ...(m.where !== undefined ? { filter: m.where } : {}),
    windows: { first: { fn: 'min', field: m.date, partitionBy: [m.customer] } },
    rows: [{ field: 'window:first', bucket, label: { 'zh-CN': '首购月份', en: 'First purchase' } }],
    columns: [
      {
        offset: { from: 'window:first', to: m.date, unit: bucket },
        label: { 'zh-CN': '间隔', en: 'Periods since' },
      },
    ],
    measures: [
      {
        key: 'customers',
        agg: 'count_distinct',
        field: m.customer,
        label: { 'zh-CN': '客户数', en: 'Customers' },
      },
      {
        key: 'retention',
        agg: 'count_distinct',
        field: m.customer,
        showAs: 'share_of_first_column',
        label: { 'zh-CN': '留存率', en: 'Retention' },
      },
    ],
  }
}
