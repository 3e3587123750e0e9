import type { Dimension, PivotSpec } from '../types.js'
import { all, inWindow, withDefaults, type OrdersModel } from './model.js'

interface Window {
  from?: string
  to?: string
  /** Break the figures down, e.g. by `[{ field: 'store' }]` (customer fields). */
  rows?: Dimension[]
}

const purchases = (m: ReturnType<typeof withDefaults>, from?: string, to?: string) => {
  const filter = all(m.where, inWindow(m.date, from, to))
  return {
    form: m.orders,
    via: m.customer,
    ...(filter !== undefined ? { filter } : {}),
    values: { count: { agg: 'count' as const }, amount: { agg: 'sum' as const, field: m.amount } },
  }
}

/** Repurchase rate: customers with ≥ 2 purchases in the window over customers with ≥ 1. */
export function repurchaseSpec(model: OrdersModel = {}, options: Window = {}): PivotSpec {
  const m = withDefaults(model)
  return {
    source: m.customers,
    related: { purchases: purchases(m, options.from, options.to) },
    rows: options.rows ?? [],
    measures: [
      {
        key: 'buyers',
        agg: 'count',
        where: { '>=': [{ var: 'purchases.count' }, 1] },
        label: { 'zh-CN': '购买客户', en: 'Buyers' },
      },
      {
        key: 'repeaters',
        agg: 'count',
        where: { '>=': [{ var: 'purchases.count' }, 2] },
        label: { 'zh-CN': '复购客户', en: 'Repeat buyers' },
      },
      { key: 'rate', ratio: ['repeaters', 'buyers'], label: { 'zh-CN': '复购率', en: 'Repurchase rate' } },
    ],
    totals: options.rows?.length ? { rows: true } : {},
  }
}

/** Churn: customers who bought in the previous period but not in the current one, over the previous buyers. */
export function churnSpec(
  model: OrdersModel = {},
  options: { previous: [string, string]; current: [string, string]; rows?: Dimension[] },
): PivotSpec {
  const m = withDefaults(model)
  const before = { '>=': [{ var: 'before.count' }, 1] }
  return {
    source: m.customers,
    related: {
      before: purchases(m, options.previous[0], options.previous[1]),
      after: purchases(m, options.current[0], options.current[1]),
    },
    rows: options.rows ?? [],
    measures: [
      { key: 'active', agg: 'count', where: before, label: { 'zh-CN': '上期客户', en: 'Previous buyers' } },
      {
        key: 'churned',
        agg: 'count',
        where: { and: [before, { '==': [{ var: 'after.count' }, 0] }] },
        label: { 'zh-CN': '流失客户', en: 'Churned' },
      },
      { key: 'rate', ratio: ['churned', 'active'], label: { 'zh-CN': '流失率', en: 'Churn rate' } },
    ],
    totals: options.rows?.length ? { rows: true } : {},
  }
}

/** Historical CLV: net revenue to date per customer who has bought. */
export function clvSpec(model: OrdersModel = {}, options: Window = {}): PivotSpec {
  const m = withDefaults(model)
  const bought = { '>=': [{ var: 'purchases.count' }, 1] }
  return {
    source: m.customers,
    related: { purchases: purchases(m, options.from, options.to) },
    rows: options.rows ?? [],
    measures: [
      { key: 'customers', agg: 'count', where: bought, label: { 'zh-CN': '购买客户', en: 'Buyers' } },
      {
        key: 'revenue',
        agg: 'sum',
        field: 'purchases.amount',
        where: bought,
        label: { 'zh-CN': '累计消费', en: 'Revenue' },
      },
      {
        key: 'clv',
        ratio: ['revenue', 'customers'],
        label: { 'zh-CN': '客户终身价值', en: 'Historical CLV' },
      },
    ],
    totals: options.rows?.length ? { rows: true } : {},
  }
}

/** Average order value per period (order date bucket). */
export function aovSpec(
  model: OrdersModel = {},
  options: { bucket?: 'day' | 'week' | 'month' | 'quarter' | 'year' } = {},
): PivotSpec {
  const m = withDefaults(model)
  return {
    source: m.orders,
    ...(m.where !== undefined ? { filter: m.where } : {}),
    rows: [{ field: m.date, bucket: options.bucket ?? 'month' }],
    measures: [
      { key: 'orders', agg: 'count', label: { 'zh-CN': '订单数', en: 'Orders' } },
      { key: 'revenue', agg: 'sum', field: m.amount, label: { 'zh-CN': '销售额', en: 'Revenue' } },
      { key: 'aov', ratio: ['revenue', 'orders'], label: { 'zh-CN': '客单价', en: 'AOV' } },
    ],
    totals: { rows: true },
  }
}

const START_UNIT = { day: 'days', week: 'weeks', month: 'months', year: 'years' } as const

/**
 * New vs returning revenue per period: an order is "new" when it falls in the same period as the customer's
 * first purchase (over the orders the model counts), "returning" otherwise.
 */
export function newVsReturningSpec(
  model: OrdersModel = {},
  options: { bucket?: keyof typeof START_UNIT } = {},
): PivotSpec {
  const m = withDefaults(model)
  const bucket = options.bucket ?? 'month'
  const unit = START_UNIT[bucket]
  return {
    source: m.orders,
    ...(m.where !== undefined ? { filter: m.where } : {}),
    windows: { first: { fn: 'min', field: m.date, partitionBy: [m.customer] } },
    rows: [{ field: m.date, bucket }],
    columns: [
      {
        cases: [
          {
            value: 'new',
            label: { 'zh-CN': '新客', en: 'New' },
            when: {
              '==': [{ start_of: [{ var: 'window:first' }, unit] }, { start_of: [{ var: m.date }, unit] }],
            },
          },
        ],
        otherwise: { value: 'returning', label: { 'zh-CN': '老客', en: 'Returning' } },
        label: { 'zh-CN': '新老客', en: 'New vs returning' },
      },
    ],
    measures: [
      { key: 'revenue', agg: 'sum', field: m.amount, label: { 'zh-CN': '销售额', en: 'Revenue' } },
      {
        key: 'customers',
        agg: 'count_distinct',
        field: m.customer,
        label: { 'zh-CN': '客户数', en: 'Customers' },
      },
    ],
    totals: { rows: true, columns: true },
  }
}
