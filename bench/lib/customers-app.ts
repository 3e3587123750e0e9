import type { AppDefinition } from '@trellis/form-engine'

/** The customer form both record benchmarks use. */
export const benchApp: AppDefinition = {
  key: 'bench',
  name: { 'zh-CN': '基准', en: 'Bench' },
  forms: [
    {
      key: 'customers',
      label: { 'zh-CN': '客户', en: 'Customers' },
      fields: [
        { key: 'name', type: 'text', label: { en: 'Name' }, required: true },
        { key: 'phone', type: 'phone', label: { en: 'Phone' } },
        { key: 'city', type: 'text', label: { en: 'City' } },
        {
          key: 'tier',
          type: 'select',
          label: { en: 'Tier' },
          indexed: true,
          options: ['normal', 'silver', 'gold', 'vip', 'lost'].map((value) => ({
            value,
            label: { en: value },
          })),
        },
        { key: 'points', type: 'number', label: { en: 'Points' }, indexed: true },
        { key: 'spent', type: 'currency', label: { en: 'Spent' }, scale: 2 },
        { key: 'birthday', type: 'date', label: { en: 'Birthday' } },
        { key: 'tags', type: 'tags', label: { en: 'Tags' } },
      ],
    },
  ],
}

export const sampleCustomer = {
  name: '王小明',
  phone: '138 0013 8000',
  city: '上海',
  tier: 'vip',
  points: 1200,
  spent: '3520.50',
  birthday: '1990-02-28',
  tags: ['老客', '烘焙'],
}
