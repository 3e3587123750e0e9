import type { AppDefinition, FieldDef } from '@trellis/form-engine'
import { shopApp } from './support/shop-app.js'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })

/** The shop app plus what retention rules need: consent, language, coupons and call-back tasks. */
export function retentionApp(key: string, rules: unknown[]): AppDefinition {
  const app = shopApp(key)
  const customers = app.forms.find((f) => f.key === 'customers')!
  const extra: FieldDef[] = [
    {
      key: 'consent',
      type: 'multi_select',
      label: label('营销授权', 'Marketing consent'),
      options: ['sms', 'email', 'wechat', 'in_app'].map((value) => ({ value, label: label(value, value) })),
    },
    { key: 'lang', type: 'text', label: label('语言', 'Language') },
    { key: 'email', type: 'email', label: label('邮箱', 'Email') },
  ]
  customers.fields.push(...extra)
  app.forms.push(
    {
      key: 'coupons',
      label: label('优惠券', 'Coupons'),
      fields: [
        {
          key: 'customer',
          type: 'relation',
          label: label('客户', 'Customer'),
          relation: { form: 'customers' },
        },
        { key: 'code', type: 'text', label: label('券码', 'Code') },
        { key: 'amount', type: 'number', label: label('面额', 'Amount') },
        { key: 'reason', type: 'text', label: label('原因', 'Reason') },
      ],
    },
    {
      key: 'tasks',
      label: label('回访任务', 'Call-backs'),
      fields: [
        {
          key: 'customer',
          type: 'relation',
          label: label('客户', 'Customer'),
          relation: { form: 'customers' },
        },
        { key: 'title', type: 'text', label: label('标题', 'Title') },
      ],
    },
  )
  return { ...app, rules }
}
