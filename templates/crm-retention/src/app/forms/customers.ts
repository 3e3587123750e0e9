import type { FormSchema } from '@trellis/form-engine'
import { chineseSegments } from '@trellis/report-engine'
import { field, option, paidOnly, relation, t } from '../text.js'
import { cities } from './stores.js'

/** The bakery chain's four tiers (see docs/crm-retention.md for the exact thresholds). */
export const memberTiers = [
  option('S', 'S 级', 'Tier S'),
  option('A', 'A 级', 'Tier A'),
  option('B', 'B 级', 'Tier B'),
  option('C', 'C 级', 'Tier C'),
]

export const sourceChannels = [
  option('walk_in', '到店', 'Walk-in'),
  option('mini_program', '小程序', 'Mini program'),
  option('meituan', '美团', 'Meituan'),
  option('dianping', '大众点评', 'Dianping'),
  option('douyin', '抖音', 'Douyin'),
  option('referral', '朋友推荐', 'Referral'),
  option('corporate', '企业团购', 'Corporate'),
]

/**
 * The eight classic Chinese RFM segments (重要价值客户 …), exactly as the report engine assigns them: the weekly
 * `score_rfm` rule writes them into `rfm_segment`, so the customer file, list filters and the RFM report agree.
 */
export const rfmSegments = chineseSegments.rules.map((rule) =>
  option(rule.value, rule.label['zh-CN']!, rule.label.en!),
)

const score = (key: string, zh: string, en: string) =>
  field(key, 'number', zh, en, {
    integer: true,
    min: 1,
    max: 5,
    description: t('由报表引擎按五分位计算', 'Quintile score set by the report engine'),
  })

/**
 * 客户: one file per buyer. Purchase history is kept by rollups over paid orders, so it is right after
 * any order is created, edited, refunded or deleted. The average interval between purchases is a
 * formula over those rollups.
 */
export const customersForm: FormSchema = {
  key: 'customers',
  label: t('客户', 'Customers'),
  titleField: 'name',
  // Customers by member tier and store: the dashboards' tier × store tiles (count, total and average spent)
  // read these totals instead of every customer (docs/reports.md, Summaries).
  summaries: [{ key: 'by_tier_store', dimensions: ['tier', 'store'], sums: ['total_spent'] }],
  fields: [
    field('code', 'auto_number', '客户编号', 'Customer no.', { autoNumber: { prefix: 'KH', digits: 6 } }),
    // Indexed: the customer list is read by name as often as by last purchase.
    field('name', 'text', '姓名', 'Name', { required: true, pii: true, maxLength: 100, indexed: true }),
    field('phone', 'phone', '手机号', 'Mobile', { unique: true, pii: true }),
    field('wechat_id', 'text', '微信号', 'WeChat ID', { pii: true, maxLength: 100 }),
    field('birthday', 'date', '生日', 'Birthday', { pii: true }),
    field('gender', 'select', '性别', 'Gender', {
      options: [
        option('female', '女', 'Female'),
        option('male', '男', 'Male'),
        option('unknown', '未知', 'Unknown'),
      ],
    }),
    field('city', 'select', '城市', 'City', { options: cities }),
    field('source', 'select', '来源渠道', 'Source channel', { options: sourceChannels }),
    field('account_manager', 'user', '专属顾问', 'Account manager', { indexed: true }),
    relation('store', 'stores', '所属门店', 'Store', { indexed: true }),
    field('tags', 'tags', '标签', 'Tags', {
      options: [
        option('sweet_tooth', '爱吃甜', 'Sweet tooth'),
        option('coffee_lover', '咖啡控', 'Coffee lover'),
        option('corporate', '企业客户', 'Corporate'),
        option('birthday_cake', '生日蛋糕', 'Birthday cakes'),
        option('price_sensitive', '价格敏感', 'Price-sensitive'),
        option('vip', 'VIP', 'VIP'),
      ],
    }),
    field('consent_sms', 'boolean', '同意短信营销', 'SMS marketing consent', { default: false }),
    field('consent_wechat', 'boolean', '同意微信营销', 'WeChat marketing consent', { default: false }),
    field('consent_email', 'boolean', '同意邮件营销', 'Email marketing consent', { default: false }),
    field('consent_call', 'boolean', '同意电话回访', 'Phone call consent', { default: false }),
    field('consent_updated_at', 'datetime', '授权更新时间', 'Consent updated at'),
    field('member_since', 'date', '入会日期', 'Member since'),
    field('tier', 'select', '会员等级', 'Member tier', { options: memberTiers, indexed: true }),
    field('points_balance', 'rollup', '积分余额', 'Points balance', {
      rollup: { form: 'points_ledger', via: 'customer', aggregate: 'sum', field: 'points' },
    }),
    field('first_purchase_at', 'rollup', '首次购买', 'First purchase', {
      rollup: { form: 'orders', via: 'customer', aggregate: 'min', field: 'ordered_at', where: paidOnly },
    }),
    // Indexed: "who bought last / longest ago" is the retention list's usual order and the dormancy rules' scan.
    field('last_purchase_at', 'rollup', '最近购买', 'Last purchase', {
      indexed: true,
      rollup: { form: 'orders', via: 'customer', aggregate: 'max', field: 'ordered_at', where: paidOnly },
    }),
    field('order_count', 'rollup', '购买次数', 'Orders', {
      rollup: { form: 'orders', via: 'customer', aggregate: 'count', where: paidOnly },
    }),
    field('total_spent', 'rollup', '累计消费', 'Total spent', {
      indexed: true,
      rollup: { form: 'orders', via: 'customer', aggregate: 'sum', field: 'amount', where: paidOnly },
    }),
    // An `avg` rollup rather than a formula total/count: it is recomputed with the orders themselves.
    field('avg_order_value', 'rollup', '客单价', 'Average order value', {
      rollup: { form: 'orders', via: 'customer', aggregate: 'avg', field: 'amount', where: paidOnly },
    }),
    field('avg_days_between', 'formula', '平均购买间隔（天）', 'Average days between purchases', {
      resultType: 'decimal',
      scale: 1,
      formula: {
        if: [
          { '>=': [{ var: 'order_count' }, 2] },
          {
            '/': [
              { date_diff: [{ var: 'first_purchase_at' }, { var: 'last_purchase_at' }, 'days'] },
              { '-': [{ var: 'order_count' }, 1] },
            ],
          },
          null,
        ],
      },
    }),
    score('rfm_recency', 'R 评分', 'Recency score'),
    score('rfm_frequency', 'F 评分', 'Frequency score'),
    score('rfm_monetary', 'M 评分', 'Monetary score'),
    field('rfm_segment', 'select', 'RFM 分群', 'RFM segment', { options: rfmSegments }),
    field('lifecycle', 'select', '生命周期', 'Lifecycle', {
      options: [
        option('active', '活跃', 'Active'),
        option('dormant', '沉睡', 'Dormant'),
        option('churned', '已流失', 'Churned'),
      ],
    }),
    field('note', 'long_text', '备注', 'Notes'),
  ],
}
