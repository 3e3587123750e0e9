import {
  fromDayNumber,
  midAutumn,
  seasonOf,
  shanghaiInstant,
  springFestival,
  toDayNumber,
  type DaySampler,
} from './calendar.js'
import { demoStores, serviceAgents, type DemoStore } from './catalog.js'
import { basket } from './baskets.js'
import type { Random } from './random.js'
import { money, type DemoTables } from './tables.js'
import type { Purchase } from './tiers.js'

/** A customer as the purchase simulation sees them. */
export interface Shopper {
  id: number
  store: DemoStore
  storeId: number
  /** Day of their first purchase in the window. */
  firstDay: number
  /** Last day they still buy (churn), inclusive. */
  activeUntil: number
  /** Expected purchases per 30 days while active. */
  rate: number
  oneTimer: boolean
  birthday: string | null
  coffeeLover: boolean
  accountManager: string | null
}

interface Coupon {
  id: number
  issued: number
  validUntil: number
  value: number
  minSpend: number
  redeemed: boolean
}

const couponCode = (id: number) => `CP${id.toString(36).toUpperCase().padStart(7, '0')}`

/** Birthdays in the window, as day numbers (29 February is celebrated on 1 March in other years). */
function birthdaysBetween(birthday: string, from: number, to: number): number[] {
  const [, m, d] = birthday.split('-')
  const days: number[] = []
  for (
    let year = Number(fromDayNumber(from).slice(0, 4));
    year <= Number(fromDayNumber(to).slice(0, 4));
    year++
  ) {
    const date = `${year}-${m}-${d}`
    const day =
      Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || fromDayNumber(toDayNumber(date)) !== date
        ? toDayNumber(`${year}-03-01`)
        : toDayNumber(date)
    if (day >= from && day <= to) days.push(day)
  }
  return days
}

/** The coupons the (future) rules would have issued to this customer, by issue day. */
function issueCoupons(
  random: Random,
  tables: DemoTables,
  shopper: Shopper,
  window: { start: number; end: number },
): Coupon[] {
  const offers: Array<Omit<Coupon, 'id' | 'redeemed'> & { kind: string }> = []
  const { firstDay } = shopper
  if (random.chance(0.6))
    offers.push({ kind: 'welcome', issued: firstDay, validUntil: firstDay + 30, value: 1000, minSpend: 5000 })
  if (random.chance(0.4))
    offers.push({
      kind: 'repurchase',
      issued: firstDay + 7,
      validUntil: firstDay + 37,
      value: 500,
      minSpend: 0,
    })
  if (shopper.birthday) {
    for (const day of birthdaysBetween(shopper.birthday, firstDay + 3, window.end + 3))
      offers.push({ kind: 'birthday', issued: day - 3, validUntil: day + 7, value: 2000, minSpend: 10000 })
  }
  for (const festival of [...midAutumn, ...springFestival]) {
    const day = toDayNumber(festival)
    if (day - 20 >= firstDay && day - 20 <= window.end && random.chance(0.15))
      offers.push({ kind: 'festival', issued: day - 20, validUntil: day, value: 3000, minSpend: 20000 })
  }
  const coupons: Coupon[] = []
  for (const offer of offers
    .filter((o) => o.issued >= window.start && o.issued <= window.end)
    .sort((a, b) => a.issued - b.issued)) {
    const issuedAt = shanghaiInstant(offer.issued, 9 * 60)
    const id = tables.add('coupons', issuedAt, {
      code: '',
      customer: shopper.id,
      kind: offer.kind,
      value: money(offer.value),
      min_spend: money(offer.minSpend),
      issued_at: issuedAt,
      valid_until: fromDayNumber(offer.validUntil),
      redeemed: false,
      redeemed_at: null,
    })
    tables.forms.coupons![id - 1]!.values.code = couponCode(id)
    coupons.push({
      id,
      issued: offer.issued,
      validUntil: offer.validUntil,
      value: offer.value,
      minSpend: offer.minSpend,
      redeemed: false,
    })
  }
  return coupons
}

/** Purchase days: the first visit, then visits at the shopper's rate until they drift away. */
function purchaseDays(random: Random, sampler: DaySampler, shopper: Shopper): number[] {
  const days = [shopper.firstDay]
  if (shopper.oneTimer) return days
  const span = shopper.activeUntil - shopper.firstDay
  const more = random.poisson((shopper.rate * span) / 30)
  for (let i = 0; i < more; i++)
    days.push(sampler.sample(random.next(), shopper.firstDay + 1, shopper.activeUntil + 1))
  return days.sort((a, b) => a - b)
}

/** A minute of the day, weighted to a bakery's breakfast, lunch and after-work peaks. */
function minuteOfDay(random: Random): number {
  const hour = random.weighted(
    [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
    [3, 8, 6, 4, 5, 8, 6, 4, 4, 5, 8, 10, 8, 5, 2],
  )
  return hour * 60 + random.int(0, 59)
}

/**
 * One customer's history: coupons issued, orders with their lines, points earned and spent, and the
 * occasional service ticket or survey. Returns the paid purchases (for the tier).
 */
export function simulateShopper(
  random: Random,
  tables: DemoTables,
  sampler: DaySampler,
  shopper: Shopper,
  window: { start: number; end: number },
): Purchase[] {
  const coupons = issueCoupons(random, tables, shopper, window)
  const birthdays = shopper.birthday ? birthdaysBetween(shopper.birthday, window.start, window.end + 7) : []
  const purchases: Purchase[] = []
  let points = 0
  for (const day of purchaseDays(random, sampler, shopper)) {
    const minute = minuteOfDay(random)
    const at = shanghaiInstant(day, minute)
    const storeIndex = random.chance(0.85) ? shopper.storeId - 1 : random.int(0, demoStores.length - 1)
    const lines = basket(random, seasonOf(day), {
      nearBirthday: birthdays.some((b) => b - day >= 0 && b - day <= 7),
      coffeeLover: shopper.coffeeLover,
    })
    const goods = lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0)
    const status = random.weighted(['paid', 'refunded', 'cancelled'], [97, 2, 1])
    const coupon =
      status === 'paid'
        ? coupons.find((c) => !c.redeemed && c.issued <= day && c.validUntil >= day && c.minSpend <= goods)
        : undefined
    const useCoupon = coupon !== undefined && random.chance(0.6)
    const discount = useCoupon ? Math.min(coupon.value, goods) : 0
    const paid = goods - discount
    const earned = status === 'paid' ? Math.floor(paid / 100) : 0
    const orderId = tables.add('orders', at, {
      customer: shopper.id,
      store: storeIndex + 1,
      ordered_at: at,
      channel: random.weighted(['store', 'mini_program', 'meituan', 'eleme'], [62, 20, 12, 6]),
      status,
      goods_amount: money(goods),
      discount: money(discount),
      amount: money(paid),
      coupon: useCoupon ? coupon.id : null,
      points_earned: earned,
    })
    if (useCoupon) {
      coupon.redeemed = true
      Object.assign(tables.forms.coupons![coupon.id - 1]!.values, { redeemed: true, redeemed_at: at })
    }
    for (const line of lines) {
      tables.add('order_lines', at, {
        order: orderId,
        product: line.productId,
        quantity: line.quantity,
        unit_price: money(line.product.price),
      })
    }
    if (status !== 'paid') continue
    purchases.push({ day, fen: paid })
    if (earned > 0) {
      tables.add('points_ledger', at, {
        customer: shopper.id,
        kind: 'earn',
        points: earned,
        order: orderId,
        occurred_at: at,
        expires_on: fromDayNumber(day + 365),
        note: null,
      })
      points += earned
    }
    if (points >= 1000 && random.chance(0.12)) {
      const later = shanghaiInstant(day, minute + 1)
      tables.add('points_ledger', later, {
        customer: shopper.id,
        kind: 'redeem',
        points: -1000,
        order: orderId,
        occurred_at: later,
        expires_on: null,
        note: '兑换 ¥10 抵用券',
      })
      points -= 1000
    }
    serviceAfterPurchase(random, tables, shopper, { orderId, storeId: storeIndex + 1, day, minute }, window)
  }
  return purchases
}

const ticketSubjects: Record<string, string[]> = {
  quality: ['面包口感偏硬', '蛋糕奶油有异味', '月饼包装破损'],
  delivery: ['外卖送达超时', '配送时蛋糕变形'],
  return: ['生日蛋糕尺寸做错，要求换货', '礼盒少了一盒，申请补发'],
  inquiry: ['积分如何兑换', '能否开具发票', '会员等级怎么升级'],
  complaint: ['店员服务态度差', '排队时间太长'],
}

/** NPS scores: purchase surveys lean happy, ticket surveys depend on how it went. */
const scoreWeights = {
  purchase: [1, 1, 1, 1, 2, 3, 4, 8, 14, 25, 40],
  ticket: [4, 3, 3, 4, 5, 7, 8, 12, 16, 18, 20],
}

function serviceAfterPurchase(
  random: Random,
  tables: DemoTables,
  shopper: Shopper,
  order: { orderId: number; storeId: number; day: number; minute: number },
  window: { end: number },
) {
  const scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  if (random.chance(0.008)) {
    const category = random.weighted(
      ['quality', 'delivery', 'return', 'inquiry', 'complaint'],
      [30, 20, 15, 25, 10],
    )
    const openedMinute = order.day * 1440 + order.minute + random.int(30, 48 * 60)
    const openedDay = Math.floor(openedMinute / 1440)
    if (openedDay > window.end) return
    const openedAt = shanghaiInstant(openedDay, openedMinute % 1440)
    const recent = window.end - openedDay < 5
    const status = recent
      ? random.weighted(['new', 'assigned', 'in_progress', 'closed'], [2, 2, 3, 3])
      : 'closed'
    const handledMinutes = random.int(60, 96 * 60)
    const closedMinute = openedMinute + handledMinutes
    const closed = status === 'closed' && Math.floor(closedMinute / 1440) <= window.end
    const ticketId = tables.add('tickets', openedAt, {
      customer: shopper.id,
      store: order.storeId,
      order: order.orderId,
      category,
      priority: random.weighted(['low', 'normal', 'high', 'urgent'], [15, 55, 22, 8]),
      subject: random.pick(ticketSubjects[category]!),
      description: null,
      status: closed ? 'closed' : status === 'closed' ? 'in_progress' : status,
      assignee: status === 'new' ? null : random.pick(serviceAgents),
      opened_at: openedAt,
      due_at: shanghaiInstant(openedDay, (openedMinute % 1440) + 48 * 60),
      closed_at: closed ? shanghaiInstant(Math.floor(closedMinute / 1440), closedMinute % 1440) : null,
      resolution: closed ? random.pick(['已致歉并补发', '已退款', '已解释说明', '已赠送优惠券']) : null,
    })
    if (closed && random.chance(0.65)) {
      const answeredMinute = closedMinute + random.int(10, 48 * 60)
      if (Math.floor(answeredMinute / 1440) <= window.end) {
        const answeredAt = shanghaiInstant(Math.floor(answeredMinute / 1440), answeredMinute % 1440)
        tables.add('surveys', answeredAt, {
          customer: shopper.id,
          ticket: ticketId,
          order: order.orderId,
          trigger: 'ticket_closed',
          score: random.weighted(scores, scoreWeights.ticket),
          comment: random.chance(0.3) ? random.pick(['处理很及时', '希望改进', '还可以', '不太满意']) : null,
          answered_at: answeredAt,
        })
      }
    }
  } else if (random.chance(0.015) && order.day + 1 <= window.end) {
    const answeredAt = shanghaiInstant(order.day + 1, random.int(9 * 60, 21 * 60))
    tables.add('surveys', answeredAt, {
      customer: shopper.id,
      ticket: null,
      order: order.orderId,
      trigger: 'purchase',
      score: random.weighted(scores, scoreWeights.purchase),
      comment: random.chance(0.2) ? random.pick(['面包很新鲜', '店员很热情', '价格有点贵', '会再来']) : null,
      answered_at: answeredAt,
    })
  }
}
