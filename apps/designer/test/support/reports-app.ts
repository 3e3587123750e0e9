import type { AppDefinition } from '@trellis/form-engine'

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en })

/** A small slice of the CRM template: orders with a store relation, for report builder and drill tests. */
export const crmLike: AppDefinition = {
  key: 'crm',
  name: t('客户', 'CRM'),
  timeZone: 'Asia/Shanghai',
  forms: [
    {
      key: 'stores',
      label: t('门店', 'Stores'),
      fields: [
        { key: 'name', type: 'text', label: t('门店名称', 'Name') },
        {
          key: 'city',
          type: 'select',
          label: t('城市', 'City'),
          options: [{ value: 'shanghai', label: t('上海', 'Shanghai') }],
        },
      ],
    },
    {
      key: 'orders',
      label: t('订单', 'Orders'),
      fields: [
        { key: 'store', type: 'relation', label: t('门店', 'Store'), relation: { form: 'stores' } },
        { key: 'ordered_at', type: 'datetime', label: t('下单时间', 'Ordered at') },
        { key: 'ordered_on', type: 'date', label: t('下单日期', 'Ordered on') },
        {
          key: 'channel',
          type: 'select',
          label: t('渠道', 'Channel'),
          options: [{ value: 'store', label: t('门店', 'In store') }],
        },
        {
          key: 'status',
          type: 'select',
          label: t('状态', 'Status'),
          options: [{ value: 'paid', label: t('已支付', 'Paid') }],
        },
        { key: 'amount', type: 'currency', label: t('实付金额', 'Amount paid') },
        { key: 'coupon_code', type: 'text', label: t('券码', 'Coupon code') },
        { key: 'tags', type: 'tags', label: t('标签', 'Tags') },
      ],
    },
  ],
  flows: [],
  rules: [],
  reports: [],
  dashboards: [],
  roles: [],
} as unknown as AppDefinition
