/** Lines of paid orders only: a refunded basket says nothing about what goes together. */
const paidLines = { '==': [{ var: 'order.status' }, 'paid'] }

/**
 * 每周挖掘商品搭配: every Monday at 04:00 (Asia/Shanghai) the paid order lines are mined for product pairs
 * ("bought A, also bought B", the report engine's market basket pairs) and stored in 商品搭配 (`product_pairs`),
 * which the cross-sell rule reads. Thresholds for a bakery's baskets: a pair needs 20 paid orders with both, 0.1 %
 * of all paid orders, and B in at least 20 % of the orders with A; each product keeps its 3 best partners. On the
 * demo data this finds the planted pairs (milk ↔ toast, coffee beans and lattes → croissant, birthday cake → tart)
 * and nothing else. The template install runs it once after loading the demo data.
 */
export const pairMiningRule = {
  key: 'mine_product_pairs',
  name: { 'zh-CN': '每周挖掘商品搭配', en: 'Mine product pairs weekly' },
  trigger: { kind: 'cron', cron: '0 4 * * 1', timeZone: 'Asia/Shanghai' },
  actions: [
    {
      type: 'mine_pairs',
      source: 'order_lines',
      basket: 'order',
      item: 'product',
      filter: paidLines,
      minBaskets: 20,
      minSupport: 0.001,
      minConfidence: 0.2,
      perItem: 3,
      into: 'product_pairs',
      nameField: 'name',
    },
  ],
}
