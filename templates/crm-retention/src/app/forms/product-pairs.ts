import type { FormSchema } from '@trellis/form-engine'
import { field, relation, t } from '../text.js'

/**
 * 商品搭配: "bought A, recommend B", one record per ordered pair, written by the pair-mining rule
 * (`mine_pairs` over paid order lines, see `pair-mining.ts`) and read by the cross-sell rule. Mining updates
 * the figures and names of a pair it finds again, adds new pairs and marks pairs it no longer finds as not
 * mined (`mined` false); it never touches `enabled` or `days`, which belong to the shop.
 */
export const productPairsForm: FormSchema = {
  key: 'product_pairs',
  label: t('商品搭配', 'Product pairs'),
  titleField: 'recommend_name',
  fields: [
    relation('product', 'products', '商品 A', 'Product A', { required: true, indexed: true }),
    relation('recommend', 'products', '推荐商品 B', 'Recommended product B', { required: true }),
    field('product_name', 'text', '商品 A 名称', 'Product A name', { maxLength: 200 }),
    field('recommend_name', 'text', '推荐商品名称', 'Recommended product name', { maxLength: 200 }),
    // One label per pair, so the pairs report ranks all pairs by confidence in one list.
    field('pair', 'formula', '搭配', 'Pair', {
      resultType: 'text',
      formula: { cat: [{ var: 'product_name' }, ' → ', { var: 'recommend_name' }] },
    }),
    field('baskets', 'number', '共同购买订单数', 'Orders with both', { integer: true, min: 0 }),
    field('support', 'number', '支持度', 'Support', { min: 0, max: 1 }),
    field('confidence', 'number', '置信度', 'Confidence', { min: 0, max: 1 }),
    field('lift', 'number', '提升度', 'Lift', { min: 0 }),
    field('mined_at', 'datetime', '挖掘时间', 'Mined at'),
    field('mined', 'boolean', '最近一次挖掘命中', 'Found by the latest mining', { default: true }),
    field('enabled', 'boolean', '启用推荐', 'Recommend', { default: true }),
    field('days', 'number', '推荐间隔天数', 'Days before recommending', {
      integer: true,
      min: 1,
      max: 365,
      default: 3,
    }),
  ],
}
