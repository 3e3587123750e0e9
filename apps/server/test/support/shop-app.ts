import type { AppDefinition } from '@trellis/form-engine'

/** A small retention app used across the records tests: stores ← customers ← orders. */
export function shopApp(key = 'shop'): AppDefinition {
  return {
    key,
    name: { 'zh-CN': '小店', en: 'Shop' },
    forms: [
      {
        key: 'stores',
        label: { 'zh-CN': '门店', en: 'Stores' },
        titleField: 'name',
        fields: [{ key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' }, required: true }],
      },
      {
        key: 'customers',
        label: { 'zh-CN': '客户', en: 'Customers' },
        titleField: 'name',
        fields: [
          {
            key: 'code',
            type: 'auto_number',
            label: { 'zh-CN': '编号', en: 'Code' },
            autoNumber: { prefix: 'KH', digits: 5 },
          },
          { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' }, required: true },
          { key: 'phone', type: 'phone', label: { 'zh-CN': '手机', en: 'Phone' }, unique: true, pii: true },
          {
            key: 'tier',
            type: 'select',
            label: { 'zh-CN': '等级', en: 'Tier' },
            options: [
              { value: 'normal', label: { 'zh-CN': '普通', en: 'Normal' } },
              { value: 'vip', label: { 'zh-CN': '会员', en: 'VIP' } },
            ],
          },
          { key: 'tags', type: 'tags', label: { 'zh-CN': '标签', en: 'Tags' } },
          {
            key: 'store',
            type: 'relation',
            label: { 'zh-CN': '门店', en: 'Store' },
            relation: { form: 'stores' },
          },
          { key: 'birthday', type: 'date', label: { 'zh-CN': '生日', en: 'Birthday' } },
          { key: 'points', type: 'number', label: { 'zh-CN': '积分', en: 'Points' } },
          { key: 'note', type: 'long_text', label: { 'zh-CN': '备注', en: 'Note' } },
          {
            key: 'files',
            type: 'attachment',
            label: { 'zh-CN': '附件', en: 'Files' },
            attachment: { maxFiles: 2 },
          },
          {
            key: 'order_count',
            type: 'rollup',
            label: { 'zh-CN': '订单数', en: 'Orders' },
            rollup: {
              form: 'orders',
              via: 'customer',
              aggregate: 'count',
              where: { '==': [{ var: 'status' }, 'paid'] },
            },
          },
          {
            key: 'total_spent',
            type: 'rollup',
            label: { 'zh-CN': '累计消费', en: 'Total spent' },
            rollup: {
              form: 'orders',
              via: 'customer',
              aggregate: 'sum',
              field: 'amount',
              where: { '==': [{ var: 'status' }, 'paid'] },
            },
          },
          {
            key: 'last_order',
            type: 'rollup',
            label: { 'zh-CN': '最近购买', en: 'Last purchase' },
            rollup: {
              form: 'orders',
              via: 'customer',
              aggregate: 'max',
              field: 'ordered_on',
              where: { '==': [{ var: 'status' }, 'paid'] },
            },
          },
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
            required: true,
          },
          {
            key: 'amount',
            type: 'currency',
            label: { 'zh-CN': '金额', en: 'Amount' },
            scale: 2,
            required: true,
          },
          { key: 'quantity', type: 'number', label: { 'zh-CN': '数量', en: 'Quantity' } },
          {
            key: 'unit_price',
            type: 'formula',
            label: { 'zh-CN': '单价', en: 'Unit price' },
            resultType: 'number',
            formula: {
              if: [
                { '>': [{ var: 'quantity' }, 0] },
                { '/': [{ var: 'amount' }, { var: 'quantity' }] },
                null,
              ],
            },
          },
          { key: 'ordered_on', type: 'date', label: { 'zh-CN': '下单日期', en: 'Ordered on' } },
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
}
