import { pairMiningRule } from './pair-mining.js'

/**
 * The retention rules of 已成交客户管理, in the rule model of docs/rules.md. Every marketing message asks for
 * the customer's consent on its channel (`consent_wechat`, `consent_sms`); call-back tasks go to the
 * customer's account manager. Amounts are yuan as decimal strings.
 */

const now = { now: [] }
/** A local date (Asia/Shanghai) `days` from today, for date fields such as a coupon's last valid day. */
const inDays = (days: number) => ({ date_add: [{ today: [] }, days, 'days'] })
const customerOf = { var: 'id' }

/** A coupon for the triggering customer, with a random 10-character code (no 0/O/1/I). */
function coupon(kind: string, value: string, validDays: number, minSpend = '0') {
  return {
    type: 'create_record',
    form: 'coupons',
    values: {
      customer: customerOf,
      kind,
      value,
      min_spend: minSpend,
      issued_at: now,
      valid_until: inDays(validDays),
      redeemed: false,
    },
    codes: { code: { prefix: kind === 'birthday' ? 'SR' : 'QJ', length: 10 } },
  }
}

function message(channel: 'wechat' | 'sms', zh: string, en: string) {
  return {
    type: 'notify',
    channel,
    to: { var: channel === 'sms' ? 'phone' : 'wechat_id' },
    body: { 'zh-CN': zh, en },
    marketing: true,
    consentField: channel === 'sms' ? 'consent_sms' : 'consent_wechat',
  }
}

function callBack(title: string, kind: string) {
  return {
    type: 'create_record',
    form: 'tasks',
    values: {
      customer: customerOf,
      title,
      kind,
      assignee: { var: 'account_manager' },
      due_on: inDays(2),
      status: 'open',
      origin: 'rule',
    },
  }
}

/** Days since the last purchase, for the dormancy rules: they fire once per silence, re-armed by a purchase. */
const afterLastPurchase = (days: number) => ({
  kind: 'date',
  form: 'customers',
  field: 'last_purchase_at',
  amount: days,
  unit: 'days',
})

/** Paid orders dated within the last `days` calendar days, today included (Asia/Shanghai). */
const paidWithin = (days: number) => ({
  and: [
    { '==': [{ var: 'status' }, 'paid'] },
    { '>=': [{ var: 'ordered_at' }, { date_add: [{ start_of: [{ now: [] }, 'days'] }, 1 - days, 'days'] }] },
  ],
})

/**
 * The tier rules' aggregates over the customer's orders, computed by the server in one statement per batch
 * (docs/rules.md, "Aggregates"): purchases and spend in the last 30 days, purchases in the last 90.
 */
export const tierAggregates = {
  last30: {
    form: 'orders',
    via: 'customer',
    filter: paidWithin(30),
    values: { count: { agg: 'count' }, amount: { agg: 'sum', field: 'amount' } },
  },
  last90: { form: 'orders', via: 'customer', filter: paidWithin(90), values: { count: { agg: 'count' } } },
}

/**
 * S — at least 2 purchases in the last 30 days and at least ¥300 spent in them; A — at least 3 purchases in
 * the last 90 days; C — no purchase for 180 days; B — everyone else who has bought; none for a customer who
 * never bought. The same order and thresholds as the demo generator's `memberTier`.
 */
export const tierExpression = {
  if: [
    { '==': [{ var: 'last_purchase_at' }, null] },
    null,
    { and: [{ '>=': [{ var: '$last30.count' }, 2] }, { '>=': [{ var: '$last30.amount' }, 300] }] },
    'S',
    { '>=': [{ var: '$last90.count' }, 3] },
    'A',
    { '>=': [{ days_since: [{ var: 'last_purchase_at' }] }, 180] },
    'C',
    'B',
  ],
}

/** A tier rule: the aggregates, a condition that only writes a changed tier, one field set. */
const tierRule = (key: string, zh: string, en: string, trigger: Record<string, unknown>) => ({
  key,
  name: { 'zh-CN': zh, en },
  trigger,
  aggregates: tierAggregates,
  condition: { '!=': [tierExpression, { var: 'tier' }] },
  actions: [{ type: 'set_fields', values: { tier: tierExpression } }],
})

/**
 * A row of 商机阶段记录 for the triggering opportunity, dated by the rules' clock; `$before.stage_changed_at`
 * is when the previous stage was entered (stamped by `stage_changed_at`).
 */
function stageChange(values: Record<string, unknown>) {
  return {
    type: 'create_record',
    form: 'opportunity_stage_changes',
    values: {
      opportunity: { var: 'id' },
      store: { var: 'store' },
      owner: { var: 'owner' },
      to_stage: { var: 'stage' },
      changed_at: now,
      ...values,
    },
  }
}

/**
 * The replenishment rule's aggregate: the customer's paid purchases of consumables whose cycle is longer than
 * the 7 days of notice (order lines reached through their order: `via` is the path `order.customer`).
 */
export const replenishmentAggregates = {
  consumables: {
    form: 'order_lines',
    via: 'order.customer',
    filter: {
      and: [
        { '==': [{ var: 'order.status' }, 'paid'] },
        { '==': [{ var: 'product.consumable' }, true] },
        { '>': [{ var: 'product.replenishment_days' }, 7] },
      ],
    },
    values: {
      orders: { agg: 'count_distinct', field: 'order' },
      first: { agg: 'min', field: 'order.ordered_at' },
      last: { agg: 'max', field: 'order.ordered_at' },
      cycle: { agg: 'min', field: 'product.replenishment_days' },
    },
  },
}

/**
 * Days the customer's consumables last: their own average interval between consumable purchases (whole days)
 * once they bought twice, else the product's replenishment cycle.
 */
const replenishmentCycle = {
  if: [
    { '>=': [{ var: '$consumables.orders' }, 2] },
    {
      '/': [
        { date_diff: [{ var: '$consumables.first' }, { var: '$consumables.last' }, 'days'] },
        { '-': [{ var: '$consumables.orders' }, 1] },
      ],
    },
    { var: '$consumables.cycle' },
  ],
}

/** Calendar days from today to the day the last consumable purchase runs out. */
export const daysUntilRunOut = {
  date_diff: [
    { today: [] },
    { date_add: [{ var: '$consumables.last' }, replenishmentCycle, 'days'] },
    'days',
  ],
}

/** Paid order lines of the pair's product `field` (`product` or `recommend`), reached from the customer through their order. */
const boughtOfPair = (field: 'product' | 'recommend') => ({
  form: 'order_lines',
  via: 'order.customer',
  filter: {
    and: [
      { '==': [{ var: 'order.status' }, 'paid'] },
      { '==': [{ var: 'product' }, { var: `$pair.${field}` }] },
    ],
  },
  values: { last: { agg: 'max', field: 'order.ordered_at' } },
})

/**
 * Cross-sell, driven by the mined product pairs (商品搭配, `product_pairs`, filled weekly by `pairMiningRule`):
 * once per enabled pair, whoever bought its product exactly `days` days ago (paid orders) and not the recommended
 * product since is recommended it. The pairs are read at each run, so a pair the shop disables, or one the next
 * mining adds, takes effect without a publish.
 */
export const crossSellRule = {
  key: 'cross_sell',
  name: { 'zh-CN': '买了 A，N 天后推荐搭配商品 B', en: 'Bought A: recommend its pair B after N days' },
  // Daily at 11:00 over every customer, once per enabled pair, checked with the aggregates page by page.
  trigger: { kind: 'cron', cron: '0 11 * * *', form: 'customers' },
  // Pairs the shop switched on that the latest mining still finds (or that the shop added by hand).
  each: {
    form: 'product_pairs',
    filter: { and: [{ '==': [{ var: 'enabled' }, true] }, { '==': [{ var: 'mined' }, true] }] },
    as: 'pair',
  },
  aggregates: { bought: boughtOfPair('product'), also: boughtOfPair('recommend') },
  condition: {
    and: [
      { '!=': [{ var: '$bought.last' }, null] },
      { '==': [{ date_diff: [{ var: '$bought.last' }, { today: [] }, 'days'] }, { var: '$pair.days' }] },
      {
        or: [
          { '==': [{ var: '$also.last' }, null] },
          { '<': [{ var: '$also.last' }, { var: '$bought.last' }] },
        ],
      },
    ],
  },
  actions: [
    message(
      'wechat',
      '{{name}}，买过这款的客人常搭配{{$pair.recommend_name}}一起享用，下次到店试试？',
      '{{name}}, customers who bought this often enjoy it with {{$pair.recommend_name}}: try it on your next visit?',
    ),
  ],
}

export const crmRules = [
  // Weekly, Monday 03:00 (Asia/Shanghai): tiers move as purchases age out of the 30/90/180-day windows.
  tierRule('tier_weekly', '每周重算会员等级', 'Recompute member tiers weekly', {
    kind: 'cron',
    cron: '0 3 * * 1',
    form: 'customers',
  }),
  // On each order: a paid order (or a refund) changes the customer's order rollups.
  tierRule('tier_on_order', '下单后重算会员等级', 'Recompute the tier on each order', {
    kind: 'record',
    form: 'customers',
    on: ['updated'],
    fields: ['order_count', 'total_spent', 'last_purchase_at'],
  }),
  {
    key: 'first_purchase_tips',
    name: {
      'zh-CN': '首购 7 天：使用贴士与复购券',
      en: 'First purchase + 7 days: tips and a repurchase coupon',
    },
    trigger: { kind: 'date', form: 'customers', field: 'first_purchase_at', amount: 7, unit: 'days' },
    actions: [
      coupon('repurchase', '10', 30, '50'),
      message(
        'wechat',
        '{{name}}，感谢第一次光临！面包请在 2 天内食用，冷藏后复烤 3 分钟口感最好。送您一张 10 元复购券，30 天内有效。',
        'Thank you for your first visit, {{name}}! Enjoy bread within 2 days; 3 minutes in the oven revives it. A ¥10 coupon is yours for 30 days.',
      ),
    ],
  },
  {
    key: 'birthday_coupon',
    name: { 'zh-CN': '生日前 3 天：生日券', en: 'Birthday − 3 days: birthday coupon' },
    trigger: { kind: 'date', form: 'customers', field: 'birthday', amount: -3, unit: 'days', yearly: true },
    actions: [
      coupon('birthday', '30', 14, '100'),
      message(
        'sms',
        '{{name}}，生日快乐！送您 30 元生日蛋糕券（满 100 可用），14 天内有效。',
        'Happy birthday, {{name}}! A ¥30 cake coupon (on ¥100 or more) is yours for 14 days.',
      ),
    ],
  },
  {
    key: 'silent_30_call_back',
    name: { 'zh-CN': 'S/A 级客户 30 天未购：专属顾问回访', en: 'Tier S/A silent 30 days: call-back task' },
    trigger: afterLastPurchase(30),
    // S or A now, or when they last bought: the weekly recomputation may already have moved a silent S
    // customer down (S needs two purchases in the last 30 days), and they are the ones to call.
    aggregates: {
      s_window: {
        form: 'orders',
        via: 'customer',
        filter: paidWithin(60),
        values: { count: { agg: 'count' }, amount: { agg: 'sum', field: 'amount' } },
      },
      a_window: {
        form: 'orders',
        via: 'customer',
        filter: paidWithin(120),
        values: { count: { agg: 'count' } },
      },
    },
    condition: {
      or: [
        { in: [{ var: 'tier' }, ['S', 'A']] },
        // 30 days after the last purchase, the 30 (90) days up to it are the last 60 (120) days.
        { and: [{ '>=': [{ var: '$s_window.count' }, 2] }, { '>=': [{ var: '$s_window.amount' }, 300] }] },
        { '>=': [{ var: '$a_window.count' }, 3] },
      ],
    },
    actions: [callBack('30 天未到店，电话回访', 'call_back')],
  },
  {
    key: 'silent_60_coupon',
    name: { 'zh-CN': '60 天未购：老友回归券', en: 'Silent 60 days: welcome-back coupon' },
    trigger: afterLastPurchase(60),
    actions: [
      coupon('win_back', '15', 21, '60'),
      message(
        'wechat',
        '{{name}}，好久不见！新品已上架，送您一张 15 元老友回归券（满 60 可用），21 天内有效。',
        'We miss you, {{name}}! New bakes are in: a ¥15 welcome-back coupon (on ¥60 or more), valid 21 days.',
      ),
    ],
  },
  {
    key: 'silent_90_win_back',
    name: { 'zh-CN': '90 天未购：进入流失挽回旅程', en: 'Silent 90 days: start the win-back journey' },
    trigger: afterLastPurchase(90),
    // A customer already marked churned by an earlier journey is not chased again until they buy.
    condition: { '!=': [{ var: 'lifecycle' }, 'churned'] },
    actions: [{ type: 'start_flow', flow: 'win_back' }],
  },
  {
    key: 'purchase_reactivates',
    name: { 'zh-CN': '再次购买：恢复为活跃客户', en: 'A purchase makes the customer active again' },
    // The win-back journey reads `lifecycle` before each step: active ends it, so a purchase stops it.
    trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['last_purchase_at'] },
    condition: { in: [{ var: 'lifecycle' }, ['dormant', 'churned']] },
    actions: [{ type: 'set_fields', values: { lifecycle: 'active' } }],
  },
  {
    key: 'vip_threshold',
    name: { 'zh-CN': '累计消费满 5000：升级 VIP', en: 'Spend passes ¥5,000: VIP upgrade' },
    trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['total_spent'] },
    condition: {
      and: [{ '>=': [{ var: 'total_spent' }, 5000] }, { '<': [{ var: '$before.total_spent' }, 5000] }],
    },
    actions: [
      { type: 'add_tags', field: 'tags', tags: ['vip'] },
      {
        type: 'create_record',
        form: 'points_ledger',
        values: { customer: customerOf, kind: 'bonus', points: 500, occurred_at: now, note: 'VIP 升级礼' },
      },
      message(
        'wechat',
        '{{name}}，恭喜成为 VIP！已赠送 500 积分，生日月享双倍积分。',
        'Congratulations {{name}}, you are now a VIP! 500 bonus points are in your account.',
      ),
    ],
  },
  {
    key: 'replenishment_reminder',
    name: {
      'zh-CN': '消耗品用完前 7 天：补货提醒',
      en: 'Consumables run out in 7 days: replenishment reminder',
    },
    // Daily at 10:00 over every customer; the condition reads the aggregates, so it is checked per customer.
    trigger: { kind: 'cron', cron: '0 10 * * *', form: 'customers' },
    aggregates: replenishmentAggregates,
    condition: {
      and: [{ '>=': [{ var: '$consumables.orders' }, 1] }, { '==': [daysUntilRunOut, 7] }],
    },
    actions: [
      message(
        'wechat',
        '{{name}}，按您平时的购买周期，上次买的咖啡豆大约再过一周就要用完了。本周到店或在小程序下单，新鲜烘焙当天送达。',
        '{{name}}, going by how often you buy, your coffee beans will run out in about a week: order this week for same-day delivery.',
      ),
    ],
  },
  crossSellRule,
  pairMiningRule,
  {
    key: 'points_expiry_reminder',
    name: { 'zh-CN': '积分 30 天内到期：提醒', en: 'Points expiring within 30 days: reminder' },
    // One reminder per earning entry, 30 days before it expires; an account notice in the customer's
    // inbox rather than marketing, so it needs no marketing consent.
    trigger: { kind: 'date', form: 'points_ledger', field: 'expires_on', amount: -30, unit: 'days' },
    condition: { '>': [{ var: 'points' }, 0] },
    actions: [
      {
        type: 'notify',
        channel: 'in_app',
        to: { var: 'customer' },
        body: {
          'zh-CN': '您有 {{points}} 积分将于 {{expires_on}} 到期，欢迎到店或在小程序兑换。',
          en: '{{points}} of your points expire on {{expires_on}}: redeem them in store or in the mini program.',
        },
      },
    ],
  },
  {
    key: 'stage_changed_at',
    name: { 'zh-CN': '商机换阶段：记录时间', en: 'Opportunity changes stage: stamp the time' },
    // On creation too, so the stage history counts the first stage from the rules' clock.
    trigger: { kind: 'record', form: 'opportunities', on: ['created', 'updated'], fields: ['stage'] },
    actions: [{ type: 'set_fields', values: { stage_changed_at: now } }],
  },
  {
    key: 'stage_history_created',
    name: { 'zh-CN': '新商机：记录起始阶段', en: 'New opportunity: record its first stage' },
    trigger: { kind: 'record', form: 'opportunities', on: ['created'] },
    actions: [stageChange({ advanced: false })],
  },
  {
    key: 'stage_history',
    name: { 'zh-CN': '商机换阶段：写入阶段记录', en: 'Opportunity changes stage: record the change' },
    trigger: { kind: 'record', form: 'opportunities', on: ['updated'], fields: ['stage'] },
    actions: [
      stageChange({
        from_stage: { var: '$before.stage' },
        entered_at: { var: '$before.stage_changed_at' },
        // Calendar days (Asia/Shanghai) from entering the previous stage to leaving it now.
        days_in_stage: { date_diff: [{ var: '$before.stage_changed_at' }, now, 'days'] },
        advanced: { '!=': [{ var: 'stage' }, 'lost'] },
      }),
    ],
  },
  {
    key: 'ticket_closed_survey',
    name: { 'zh-CN': '工单关闭：满意度回访', en: 'Ticket closed: satisfaction survey' },
    trigger: { kind: 'record', form: 'tickets', on: ['updated'], fields: ['status'] },
    condition: {
      and: [{ '==': [{ var: 'status' }, 'closed'] }, { '!=': [{ var: '$before.status' }, 'closed'] }],
    },
    actions: [
      {
        type: 'notify',
        // Addressed to the customer's record: the in-app inbox (or an SMS adapter) looks up the number.
        channel: 'in_app',
        to: { var: 'customer' },
        body: {
          'zh-CN':
            '您的工单 {{ticket_no}} 已处理完毕。您有多大可能把我们推荐给朋友（0–10 分）？回复数字即可。',
          en: 'Your ticket {{ticket_no}} is closed. How likely are you to recommend us to a friend (0–10)? Reply with a number.',
        },
      },
    ],
  },
]
