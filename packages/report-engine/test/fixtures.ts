import type { AppDefinition } from '@trellis/form-engine'
import type { PivotSchema } from '../src/index.js'

/** stores ← customers ← orders, the shape of the CRM template. */
export const shop: AppDefinition = {
  key: 'shop',
  name: { 'zh-CN': '小店', en: 'Shop' },
  forms: [
    {
      key: 'stores',
      label: { 'zh-CN': '门店', en: 'Stores' },
      fields: [{ key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' } }],
    },
    {
      key: 'customers',
      label: { 'zh-CN': '客户', en: 'Customers' },
      fields: [
        { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' } },
        {
          key: 'tier',
          type: 'select',
          label: { 'zh-CN': '等级', en: 'Tier' },
          options: [
            { value: 'normal', label: { 'zh-CN': '普通', en: 'Normal' } },
            { value: 'vip', label: { 'zh-CN': '会员', en: 'VIP' } },
          ],
        },
        {
          key: 'store',
          type: 'relation',
          label: { 'zh-CN': '门店', en: 'Store' },
          relation: { form: 'stores' },
        },
        { key: 'tags', type: 'tags', label: { 'zh-CN': '标签', en: 'Tags' } },
      ],
    },
    {
      key: 'orders',
      label: { 'zh-CN': '订单', en: 'Orders' },
      fields: [
        {
          key: 'customer',
          type: 'relation',
          label: { 'zh-CN': '客户', en: 'Customer' },
          relation: { form: 'customers' },
        },
        {
          key: 'store',
          type: 'relation',
          label: { 'zh-CN': '门店', en: 'Store' },
          relation: { form: 'stores' },
        },
        { key: 'amount', type: 'currency', label: { 'zh-CN': '金额', en: 'Amount' }, scale: 2 },
        { key: 'quantity', type: 'number', label: { 'zh-CN': '数量', en: 'Quantity' } },
        { key: 'ordered_on', type: 'date', label: { 'zh-CN': '下单日期', en: 'Ordered on' } },
        { key: 'paid_at', type: 'datetime', label: { 'zh-CN': '支付时间', en: 'Paid at' } },
        {
          key: 'status',
          type: 'select',
          label: { 'zh-CN': '状态', en: 'Status' },
          options: [
            { value: 'paid', label: { 'zh-CN': '已支付', en: 'Paid' } },
            { value: 'refunded', label: { 'zh-CN': '已退款', en: 'Refunded' } },
          ],
        },
      ],
    },
  ],
}

export const schema: PivotSchema = { app: shop, dbSchema: 'app_shop' }
