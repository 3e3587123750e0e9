import type { FlowDefinition } from '@trellis/flow-engine'
import { chain, edge, end, gateway, readBack, serviceTask, timer } from './nodes.js'

/** A marketing WeChat message to the customer, sent only with their WeChat consent. */
const wechat = (id: string, name: string, zh: string, en: string) =>
  serviceTask(id, name, {
    type: 'notify',
    channel: 'wechat',
    to: { var: 'wechat_id' },
    body: { 'zh-CN': zh, en },
    marketing: true,
    consentField: 'consent_wechat',
  })

const coupon = (id: string, name: string, value: string, minSpend: string, validDays: number) =>
  serviceTask(id, name, {
    type: 'create_record',
    form: 'coupons',
    values: {
      customer: { var: 'id' },
      kind: 'win_back',
      value,
      min_spend: minSpend,
      issued_at: { now: [] },
      valid_until: { date_add: [{ today: [] }, validDays, 'days'] },
      redeemed: false,
    },
    codes: { code: { prefix: 'WB', length: 10 } },
  })

const setLifecycle = (id: string, name: string, lifecycle: string) =>
  serviceTask(id, name, { type: 'set_fields', values: { lifecycle } })

/** After each wait: read the lifecycle as it is now; the `purchase_reactivates` rule sets it to active. */
const backAgain = (check: string) => ({
  '==': [{ var: `actions.${check}.values.lifecycle` }, 'active'],
})

/**
 * 流失挽回旅程, started by the `silent_90_win_back` rule: a warm message, seven days later a time-limited
 * offer, two weeks later a practical offer, and a month later the customer is marked churned if still
 * silent. Any purchase ends it: the `purchase_reactivates` rule marks the customer active, and the
 * journey reads the lifecycle back before each next step and ends there (result `returned`), so nothing
 * more is sent after a purchase.
 */
export const winBackFlow: FlowDefinition = {
  key: 'win_back',
  version: 1,
  name: '流失挽回旅程',
  nodes: [
    {
      id: 'silent_90',
      kind: 'start',
      name: '90 天未购',
      config: { trigger: { kind: 'rule', rule: 'silent_90_win_back' } },
    },
    setLifecycle('mark_dormant', '标记为沉睡', 'dormant'),
    wechat(
      'warm_message',
      '暖心问候',
      '{{name}}，好久不见，最近还好吗？店里上了几款新面包，期待您再来尝尝。',
      'It has been a while, {{name}}. We have baked a few new things and would love to see you again.',
    ),
    timer('wait_7', '等待 7 天', 'P7D'),
    readBack('check_1', '是否已回购', 'lifecycle'),
    gateway('back_1', '回购了吗'),
    coupon('offer_coupon', '限时优惠券', '20', '60', 7),
    wechat(
      'offer_message',
      '限时优惠通知',
      '{{name}}，为您准备了一张 20 元限时券（满 60 可用），7 天内有效，别错过。',
      'A ¥20 coupon (on ¥60 or more) is waiting for you, {{name}}: valid for 7 days only.',
    ),
    timer('wait_14', '等待 14 天', 'P14D'),
    readBack('check_2', '是否已回购', 'lifecycle'),
    gateway('back_2', '回购了吗'),
    coupon('practical_coupon', '实惠券（无门槛）', '10', '0', 30),
    wechat(
      'practical_message',
      '实惠券通知',
      '{{name}}，送您一张 10 元无门槛券，30 天内到店或小程序下单都能用。',
      'A ¥10 coupon with no minimum spend, {{name}}: use it in store or in the mini program within 30 days.',
    ),
    timer('wait_30', '等待 30 天', 'P30D'),
    readBack('check_3', '是否已回购', 'lifecycle'),
    gateway('back_3', '回购了吗'),
    setLifecycle('mark_churned', '标记为已流失', 'churned'),
    end('returned', '已回购', 'returned'),
    end('churned', '已流失', 'churned'),
  ],
  edges: [
    ...chain('silent_90', 'mark_dormant', 'warm_message', 'wait_7', 'check_1', 'back_1'),
    edge('back_1', 'returned', { condition: backAgain('check_1'), name: '已回购' }),
    edge('back_1', 'offer_coupon', { default: true }),
    ...chain('offer_coupon', 'offer_message', 'wait_14', 'check_2', 'back_2'),
    edge('back_2', 'returned', { condition: backAgain('check_2'), name: '已回购' }),
    edge('back_2', 'practical_coupon', { default: true }),
    ...chain('practical_coupon', 'practical_message', 'wait_30', 'check_3', 'back_3'),
    edge('back_3', 'returned', { condition: backAgain('check_3'), name: '已回购' }),
    edge('back_3', 'mark_churned', { default: true }),
    edge('mark_churned', 'churned'),
  ],
}
