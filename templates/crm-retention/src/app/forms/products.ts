import type { FormSchema } from '@trellis/form-engine'
import { field, option, t } from '../text.js'

export const productCategories = [
  option('bread', '面包', 'Bread'),
  option('cake', '蛋糕', 'Cakes'),
  option('dessert', '甜点', 'Desserts'),
  option('drink', '饮品', 'Drinks'),
  option('coffee_beans', '咖啡豆', 'Coffee beans'),
  option('gift_box', '节日礼盒', 'Festive gift boxes'),
]

/** 商品: consumables carry a replenishment cycle, which drives the replenishment reminder rule. */
export const productsForm: FormSchema = {
  key: 'products',
  label: t('商品', 'Products'),
  titleField: 'name',
  fields: [
    field('sku', 'text', '商品编码', 'SKU', { required: true, unique: true, maxLength: 40 }),
    field('name', 'text', '商品名称', 'Name', { required: true }),
    field('category', 'select', '品类', 'Category', { options: productCategories, required: true }),
    field('price', 'currency', '售价', 'Price', { required: true, min: 0 }),
    field('consumable', 'boolean', '消耗品', 'Consumable', { default: false }),
    field('replenishment_days', 'number', '补货周期（天）', 'Replenishment cycle (days)', {
      integer: true,
      min: 1,
      max: 365,
      visibleWhen: { '==': [{ var: 'consumable' }, true] },
    }),
    field('active', 'boolean', '在售', 'On sale', { default: true }),
    field('units_sold', 'rollup', '销量', 'Units sold', {
      rollup: { form: 'order_lines', via: 'product', aggregate: 'sum', field: 'quantity' },
    }),
  ],
}
