import type { FormSchema } from '@trellis/form-engine'
import { field, option, relation, t } from '../text.js'

export const couponKinds = [
  option('welcome', '新人券', 'Welcome'),
  option('repurchase', '复购券', 'Repurchase'),
  option('birthday', '生日券', 'Birthday'),
  option('win_back', '老友回归券', 'Welcome back'),
  option('festival', '节日券', 'Festival'),
]

/** 优惠券: issued by rules; `redeemed` is set when an order uses it. */
export const couponsForm: FormSchema = {
  key: 'coupons',
  label: t('优惠券', 'Coupons'),
  titleField: 'code',
  fields: [
    field('code', 'text', '券码', 'Code', { required: true, unique: true, maxLength: 40 }),
    relation('customer', 'customers', '客户', 'Customer', { required: true }),
    field('kind', 'select', '券类型', 'Kind', { options: couponKinds, required: true }),
    field('value', 'currency', '面额', 'Value', { required: true, min: 0 }),
    field('min_spend', 'currency', '使用门槛', 'Minimum spend', { min: 0, default: '0' }),
    field('issued_at', 'datetime', '发放时间', 'Issued at', { required: true }),
    field('valid_until', 'date', '有效期至', 'Valid until', { required: true }),
    field('redeemed', 'boolean', '已核销', 'Redeemed', { default: false }),
    field('redeemed_at', 'datetime', '核销时间', 'Redeemed at', {
      requiredWhen: { '==': [{ var: 'redeemed' }, true] },
    }),
  ],
}

/** 积分流水: the balance is the sum of this ledger (a rollup on the customer), never a mutable counter. */
export const pointsLedgerForm: FormSchema = {
  key: 'points_ledger',
  label: t('积分流水', 'Points ledger'),
  fields: [
    relation('customer', 'customers', '客户', 'Customer', { required: true }),
    field('kind', 'select', '类型', 'Kind', {
      required: true,
      options: [
        option('earn', '消费积分', 'Earned'),
        option('redeem', '积分兑换', 'Redeemed'),
        option('bonus', '奖励积分', 'Bonus'),
        option('expire', '积分过期', 'Expired'),
        option('adjust', '人工调整', 'Adjustment'),
      ],
    }),
    field('points', 'number', '积分（正为增加）', 'Points (+ earned, − spent)', {
      integer: true,
      required: true,
    }),
    relation('order', 'orders', '关联订单', 'Order', { onDelete: 'set_null' }),
    field('occurred_at', 'datetime', '发生时间', 'Occurred at', { required: true }),
    field('expires_on', 'date', '到期日', 'Expires on'),
    field('note', 'text', '说明', 'Note'),
  ],
}
