import { paidOnly } from './text.js'

/**
 * Weekly, Monday 03:30 (Asia/Shanghai), after the tiers: every customer's R, F and M quintile scores and RFM
 * segment over all paid orders (as the RFM report counts them, so the customer file and the report agree),
 * written into the customer file (`rfm_*` fields) by the report engine's RFM builder. Customers with no paid
 * order are cleared. A shop can run it at
 * any time from the Rules tab ("run now").
 */
export const rfmScoringRule = {
  key: 'rfm_weekly',
  name: { 'zh-CN': '每周计算 RFM 评分与分群', en: 'Score RFM and segments weekly' },
  trigger: { kind: 'cron', cron: '30 3 * * 1' },
  actions: [
    {
      type: 'score_rfm',
      customers: 'customers',
      orders: 'orders',
      customer: 'customer',
      date: 'ordered_at',
      amount: 'amount',
      where: paidOnly,
      fields: {
        recency: 'rfm_recency',
        frequency: 'rfm_frequency',
        monetary: 'rfm_monetary',
        segment: 'rfm_segment',
      },
    },
  ],
}
