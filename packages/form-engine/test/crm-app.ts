import type { AppDefinition, FieldDef, FormSchema } from '../src/index.js'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })

export const stores: FormSchema = {
  key: 'stores',
  label: label('门店', 'Stores'),
  titleField: 'name',
  fields: [
    { key: 'name', type: 'text', label: label('名称', 'Name'), required: true, unique: true },
    { key: 'city', type: 'text', label: label('城市', 'City') },
  ],
}

export const customers: FormSchema = {
  key: 'customers',
  label: label('客户', 'Customers'),
  titleField: 'name',
  fields: [
    {
      key: 'code',
      type: 'auto_number',
      label: label('编号', 'Code'),
      autoNumber: { prefix: 'KH', digits: 6 },
    },
    { key: 'name', type: 'text', label: label('姓名', 'Name'), required: true, maxLength: 50 },
    { key: 'phone', type: 'phone', label: label('手机', 'Phone'), unique: true, pii: true },
    { key: 'email', type: 'email', label: label('邮箱', 'Email') },
    { key: 'birthday', type: 'date', label: label('生日', 'Birthday') },
    {
      key: 'level',
      type: 'select',
      label: label('等级', 'Level'),
      options: [
        { value: 'normal', label: label('普通', 'Normal') },
        { value: 'vip', label: label('VIP', 'VIP') },
      ],
      default: 'normal',
    },
    { key: 'tags', type: 'tags', label: label('标签', 'Tags') },
    { key: 'store', type: 'relation', label: label('门店', 'Store'), relation: { form: 'stores' } },
    { key: 'credit', type: 'currency', label: label('储值', 'Credit'), scale: 2, min: 0 },
    {
      key: 'status',
      type: 'select',
      label: label('状态', 'Status'),
      options: [
        { value: 'active', label: label('活跃', 'Active') },
        { value: 'lost', label: label('流失', 'Lost') },
      ],
    },
    {
      key: 'lost_reason',
      type: 'long_text',
      label: label('流失原因', 'Reason lost'),
      visibleWhen: { '==': [{ var: 'status' }, 'lost'] },
      requiredWhen: { '==': [{ var: 'status' }, 'lost'] },
    },
    {
      key: 'vip_since',
      type: 'date',
      label: label('成为 VIP', 'VIP since'),
      required: true,
      visibleWhen: { '==': [{ var: 'level' }, 'vip'] },
    },
    {
      key: 'order_count',
      type: 'rollup',
      label: label('订单数', 'Orders'),
      rollup: { form: 'orders', via: 'customer', aggregate: 'count' },
    },
    {
      key: 'total_spent',
      type: 'rollup',
      label: label('消费总额', 'Total spent'),
      rollup: {
        form: 'orders',
        via: 'customer',
        aggregate: 'sum',
        field: 'amount',
        where: { '==': [{ var: 'paid' }, true] },
      },
    },
    {
      key: 'last_order_at',
      type: 'rollup',
      label: label('最近消费', 'Last order'),
      rollup: { form: 'orders', via: 'customer', aggregate: 'max', field: 'ordered_at' },
    },
    {
      key: 'display_name',
      type: 'formula',
      label: label('显示名', 'Display name'),
      resultType: 'text',
      formula: { cat: [{ var: 'name' }, ' (', { var: 'level' }, ')'] },
    },
  ],
}

export const orders: FormSchema = {
  key: 'orders',
  label: label('订单', 'Orders'),
  fields: [
    {
      key: 'customer',
      type: 'relation',
      label: label('客户', 'Customer'),
      relation: { form: 'customers' },
      required: true,
    },
    { key: 'amount', type: 'decimal', label: label('金额', 'Amount'), scale: 2, required: true },
    { key: 'paid', type: 'boolean', label: label('已支付', 'Paid') },
    { key: 'ordered_at', type: 'datetime', label: label('下单时间', 'Ordered at') },
    { key: 'quantity', type: 'number', integer: true, label: label('数量', 'Quantity') },
    { key: 'discount', type: 'percent', label: label('折扣', 'Discount') },
    {
      key: 'net',
      type: 'formula',
      label: label('实付', 'Net'),
      resultType: 'decimal',
      scale: 2,
      formula: { '*': [{ var: 'amount' }, { '-': [1, { '/': [{ var: 'discount' }, 100] }] }] },
    },
  ],
}

export const crmApp: AppDefinition = {
  key: 'crm',
  name: label('客户管理', 'CRM'),
  forms: [stores, customers, orders],
}

/** A copy of a form with one field replaced (or removed, when `next` is undefined). */
export function withField(form: FormSchema, key: string, next: FieldDef | undefined): FormSchema {
  const fields = next
    ? form.fields.map((field) => (field.key === key ? next : field))
    : form.fields.filter((field) => field.key !== key)
  return { ...form, fields }
}

export function field(form: FormSchema, key: string): FieldDef {
  const found = form.fields.find((candidate) => candidate.key === key)
  if (!found) throw new Error(`no field ${key}`)
  return found
}
