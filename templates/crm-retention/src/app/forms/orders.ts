import type { FormSchema } from '@trellis/form-engine'
import { field, option, relation, t } from '../text.js'

export const orderStatuses = [
  option('paid', '已支付', 'Paid'),
  option('refunded', '已退款', 'Refunded'),
  option('cancelled', '已取消', 'Cancelled'),
]

export const salesChannels = [
  option('store', '门店', 'In store'),
  option('mini_program', '小程序', 'Mini program'),
  option('meituan', '美团外卖', 'Meituan delivery'),
  option('eleme', '饿了么', 'Ele.me'),
]

/**
 * 订单: `amount` is what the customer paid (goods minus coupon), stored rather than rolled up from the
 * lines, so customer rollups over orders never depend on another rollup.
 */
export const ordersForm: FormSchema = {
  key: 'orders',
  label: t('订单', 'Orders'),
  titleField: 'order_no',
  // Sales by local day, store, status and channel: the dashboards' sales figures (monthly sales and AOV, a
  // report built by store × month) read these totals instead of every order (docs/reports.md, Summaries).
  summaries: [
    {
      key: 'sales_by_day',
      dimensions: ['ordered_at', 'store', 'status', 'channel'],
      sums: ['amount', 'discount', 'points_earned'],
    },
  ],
  fields: [
    field('order_no', 'auto_number', '订单号', 'Order no.', { autoNumber: { prefix: 'DD', digits: 8 } }),
    relation('customer', 'customers', '客户', 'Customer', { required: true }),
    relation('store', 'stores', '门店', 'Store', { required: true }),
    field('ordered_at', 'datetime', '下单时间', 'Ordered at', { required: true, indexed: true }),
    field('channel', 'select', '渠道', 'Channel', { options: salesChannels }),
    field('status', 'select', '状态', 'Status', { options: orderStatuses, required: true, default: 'paid' }),
    field('goods_amount', 'currency', '商品金额', 'Goods amount', { min: 0 }),
    field('discount', 'currency', '优惠金额', 'Discount', { min: 0, default: '0' }),
    field('amount', 'currency', '实付金额', 'Amount paid', { required: true, min: 0 }),
    relation('coupon', 'coupons', '使用优惠券', 'Coupon used', { onDelete: 'set_null' }),
    field('points_earned', 'number', '获得积分', 'Points earned', { integer: true, min: 0 }),
    field('line_count', 'rollup', '商品行数', 'Lines', {
      rollup: { form: 'order_lines', via: 'order', aggregate: 'count' },
    }),
  ],
}

/** 订单明细: the basket, which the cross-sell report mines for product pairs. */
export const orderLinesForm: FormSchema = {
  key: 'order_lines',
  label: t('订单明细', 'Order lines'),
  fields: [
    relation('order', 'orders', '订单', 'Order', { required: true }),
    relation('product', 'products', '商品', 'Product', { required: true, indexed: true }),
    field('quantity', 'number', '数量', 'Quantity', { integer: true, min: 1, required: true }),
    field('unit_price', 'currency', '单价', 'Unit price', { min: 0, required: true }),
    field('subtotal', 'formula', '小计', 'Subtotal', {
      resultType: 'decimal',
      scale: 2,
      formula: { '*': [{ var: 'quantity' }, { var: 'unit_price' }] },
    }),
  ],
}
