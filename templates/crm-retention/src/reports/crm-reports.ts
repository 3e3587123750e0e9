import {
  clvSpec,
  cohortSpec,
  newVsReturningSpec,
  rfmSpec,
  aovSpec,
  type ChartSpec,
  type OrdersModel,
  type PivotSpec,
} from '@trellis/report-engine'

/** A saved report the template installs (`trellis.reports`); dashboards name it by `key`. */
export interface TemplateReport {
  key: string
  name: { 'zh-CN': string; en: string }
  spec: PivotSpec
  chart?: ChartSpec
}

/** Purchases are paid orders, dated by `ordered_at` (the customer rollups count the same orders). */
export const purchases: OrdersModel = { date: 'ordered_at', where: { '==': [{ var: 'status' }, 'paid'] } }

const daysAgo = (days: number) => ({ date_add: [{ now: [] }, -days, 'days'] })
/** zh-CN and English, both always present (saved report names are shown in either). */
export const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })

/** Active: bought in the last 60 days; dormant: in the last 180; churned: not for 180 days or more. */
export const lifecycleCases = {
  cases: [
    {
      value: 'active',
      label: label('活跃', 'Active'),
      when: { '>=': [{ var: 'last_purchase_at' }, daysAgo(60)] },
    },
    {
      value: 'dormant',
      label: label('沉睡', 'Dormant'),
      when: { '>=': [{ var: 'last_purchase_at' }, daysAgo(180)] },
    },
  ],
  otherwise: { value: 'churned', label: label('已流失', 'Churned') },
  label: label('客户状态', 'Status'),
}

/** Month by month: the share of the month's buyers who had already bought in an earlier month. */
const repurchaseTrend: PivotSpec = {
  source: 'orders',
  filter: purchases.where,
  windows: { first: { fn: 'min', field: 'ordered_at', partitionBy: ['customer'] } },
  rows: [{ field: 'ordered_at', bucket: 'month', label: label('月份', 'Month') }],
  measures: [
    { key: 'buyers', agg: 'count_distinct', field: 'customer', label: label('购买客户', 'Buyers') },
    {
      key: 'returning',
      agg: 'count_distinct',
      field: 'customer',
      where: {
        '!=': [
          { start_of: [{ var: 'window:first' }, 'months'] },
          { start_of: [{ var: 'ordered_at' }, 'months'] },
        ],
      },
      label: label('老客（复购）', 'Returning buyers'),
    },
    { key: 'rate', ratio: ['returning', 'buyers'], label: label('复购率', 'Repurchase rate') },
  ],
}

const lifecycle: PivotSpec = {
  source: 'customers',
  filter: { '!=': [{ var: 'last_purchase_at' }, null] },
  rows: [lifecycleCases],
  measures: [{ key: 'customers', agg: 'count', label: label('客户数', 'Customers') }],
  totals: { rows: true },
}

/** Historical CLV (revenue per buyer) and AOV (revenue per order) per member tier. */
const valueByTier: PivotSpec = (() => {
  const clv = clvSpec(purchases, { rows: [{ field: 'tier', label: label('会员等级', 'Tier') }] })
  const bought = { '>=': [{ var: 'purchases.count' }, 1] }
  return {
    ...clv,
    measures: [
      ...clv.measures,
      {
        key: 'orders',
        agg: 'sum',
        field: 'purchases.count',
        where: bought,
        label: label('订单数', 'Orders'),
      },
      { key: 'aov', ratio: ['revenue', 'orders'], label: label('客单价', 'AOV') },
    ],
  }
})()

const couponRedemption: PivotSpec = {
  source: 'coupons',
  rows: [{ field: 'kind', label: label('券类型', 'Coupon') }],
  measures: [
    { key: 'issued', agg: 'count', label: label('发放', 'Issued') },
    {
      key: 'redeemed',
      agg: 'count',
      where: { '==': [{ var: 'redeemed' }, true] },
      label: label('核销', 'Redeemed'),
    },
    { key: 'rate', ratio: ['redeemed', 'issued'], label: label('核销率', 'Redemption rate') },
  ],
  totals: { rows: true },
}

const nps: PivotSpec = {
  source: 'surveys',
  rows: [{ field: 'answered_at', bucket: 'month', label: label('月份', 'Month') }],
  measures: [
    { key: 'nps', agg: 'avg', field: 'nps_points', label: label('NPS', 'NPS') },
    { key: 'answers', agg: 'count', label: label('答卷数', 'Answers') },
  ],
  totals: { rows: true },
}

const funnel: PivotSpec = {
  source: 'opportunities',
  rows: [{ field: 'stage', label: label('阶段', 'Stage') }],
  measures: [
    { key: 'opportunities', agg: 'count', label: label('商机数', 'Opportunities') },
    { key: 'amount', agg: 'sum', field: 'amount', label: label('预计金额', 'Expected amount') },
  ],
  totals: { rows: true },
}

/**
 * Each stage an opportunity left (from the stage history the template's rules write): how many left it, how
 * many of them moved forward rather than to 输单, that share (the stage's conversion), and the average
 * calendar days spent in it. Opportunities still in a stage are not counted for it until they leave it.
 */
const stageConversion: PivotSpec = {
  source: 'opportunity_stage_changes',
  filter: { '!=': [{ var: 'from_stage' }, null] },
  rows: [{ field: 'from_stage', label: label('阶段', 'Stage') }],
  measures: [
    { key: 'left', agg: 'count', label: label('离开该阶段', 'Left the stage') },
    {
      key: 'advanced',
      agg: 'count',
      where: { '==': [{ var: 'advanced' }, true] },
      label: label('推进到下一阶段', 'Moved forward'),
    },
    { key: 'conversion', ratio: ['advanced', 'left'], label: label('阶段转化率', 'Stage conversion') },
    {
      key: 'avg_days',
      agg: 'avg',
      field: 'days_in_stage',
      label: label('平均停留天数', 'Average days in stage'),
    },
  ],
  totals: { rows: true },
}

/**
 * 商品搭配: the pairs the latest mining found (`mined`), best confidence first; support and lift beside it, and
 * the paid orders holding both.
 */
const productPairs: PivotSpec = {
  source: 'product_pairs',
  filter: { '==': [{ var: 'mined' }, true] },
  rows: [{ field: 'pair', label: label('买了 A → 推荐 B', 'Bought A → recommend B') }],
  measures: [
    { key: 'support', agg: 'max', field: 'support', label: label('支持度', 'Support') },
    { key: 'confidence', agg: 'max', field: 'confidence', label: label('置信度', 'Confidence') },
    { key: 'lift', agg: 'max', field: 'lift', label: label('提升度', 'Lift') },
    { key: 'baskets', agg: 'sum', field: 'baskets', label: label('共同购买订单数', 'Orders with both') },
  ],
  sort: [{ by: 'confidence', direction: 'desc' }],
}

export const crmReports: TemplateReport[] = [
  {
    key: 'repurchase_trend',
    name: label('复购率趋势', 'Repurchase rate trend'),
    spec: repurchaseTrend,
    chart: { type: 'line', measure: 'rate' },
  },
  {
    key: 'lifecycle',
    name: label('活跃 / 沉睡 / 流失客户', 'Active, dormant and churned customers'),
    spec: lifecycle,
    chart: { type: 'pie', measure: 'customers' },
  },
  {
    key: 'new_vs_returning',
    name: label('新老客销售额', 'Revenue: new vs returning'),
    spec: newVsReturningSpec(purchases),
    chart: { type: 'stacked_bar', measure: 'revenue' },
  },
  {
    key: 'value_by_tier',
    name: label('各等级客户价值与客单价', 'CLV and AOV by tier'),
    spec: valueByTier,
    chart: { type: 'bar', measure: 'clv' },
  },
  {
    key: 'rfm_segments',
    name: label('RFM 客户分群', 'RFM segments'),
    spec: rfmSpec(purchases),
    chart: { type: 'pie' },
  },
  {
    key: 'cohort_retention',
    name: label('同期群留存', 'Cohort retention'),
    spec: cohortSpec(purchases),
    chart: { type: 'heatmap', measure: 'retention' },
  },
  {
    key: 'coupon_redemption',
    name: label('优惠券核销', 'Coupon redemption'),
    spec: couponRedemption,
    chart: { type: 'bar', measure: 'rate' },
  },
  { key: 'nps', name: label('NPS 净推荐值', 'NPS'), spec: nps, chart: { type: 'kpi', measure: 'nps' } },
  {
    key: 'monthly_sales',
    name: label('月度销售与客单价', 'Monthly sales and AOV'),
    spec: aovSpec(purchases),
    chart: { type: 'bar', measure: 'revenue' },
  },
  {
    key: 'product_pairs',
    name: label('商品搭配（买了 A 推荐 B）', 'Product pairs (bought A, recommend B)'),
    spec: productPairs,
    chart: { type: 'table' },
  },
  {
    key: 'pipeline_funnel',
    name: label('商机漏斗', 'Pipeline funnel'),
    spec: funnel,
    chart: { type: 'funnel', measure: 'opportunities' },
  },
  {
    key: 'pipeline_stages',
    name: label('商机阶段转化与停留天数', 'Stage conversion and days per stage'),
    spec: stageConversion,
    chart: { type: 'bar', measure: 'conversion' },
  },
]
