import type { FormSchema } from '@trellis/form-engine'
import { field, option, paidOnly, t } from '../text.js'

export const cities = [
  option('shanghai', '上海', 'Shanghai'),
  option('hangzhou', '杭州', 'Hangzhou'),
  option('suzhou', '苏州', 'Suzhou'),
  option('nanjing', '南京', 'Nanjing'),
  option('other', '其他', 'Other'),
]

/** 门店: the unit a store manager and their clerks see (row-level permissions come with roles). */
export const storesForm: FormSchema = {
  key: 'stores',
  label: t('门店', 'Stores'),
  titleField: 'name',
  fields: [
    field('code', 'text', '门店编码', 'Store code', { required: true, unique: true, maxLength: 20 }),
    field('name', 'text', '门店名称', 'Name', { required: true }),
    field('city', 'select', '城市', 'City', { options: cities, required: true }),
    field('address', 'text', '地址', 'Address'),
    field('phone', 'phone', '门店电话', 'Phone'),
    field('manager', 'user', '店长', 'Store manager'),
    field('opened_on', 'date', '开业日期', 'Opened on'),
    field('customer_count', 'rollup', '客户数', 'Customers', {
      rollup: { form: 'customers', via: 'store', aggregate: 'count' },
    }),
    field('revenue', 'rollup', '营业额', 'Revenue', {
      rollup: { form: 'orders', via: 'store', aggregate: 'sum', field: 'amount', where: paidOnly },
    }),
  ],
}
