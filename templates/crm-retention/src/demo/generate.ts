import { cities } from '../app/forms/stores.js'
import { addMonths, DaySampler, fromDayNumber, shanghaiInstant, toDayNumber } from './calendar.js'
import { companies, demoProducts, demoStores, managerOf, salesReps } from './catalog.js'
import { chineseName, mobileNumber, pickStore, profile, spellPhone } from './people.js'
import { simulateShopper, type Shopper } from './purchases.js'
import { Random } from './random.js'
import { DemoTables, money } from './tables.js'
import { memberTier } from './tiers.js'
import { demoDefaults, type DemoData, type DemoOptions } from './types.js'

const cityValues = cities.map((c) => c.value)

/**
 * The demo shop's history: stores, products, customers with their orders, coupons, points, tickets,
 * surveys, follow-up tasks and opportunities. Pure and deterministic: the same options give the same
 * data. About 1 % of customers registered twice with the same phone spelled differently; see
 * `mergeDuplicateCustomers` for what the installer does with them.
 */
export function generateDemoData(options: DemoOptions = {}): DemoData {
  const seed = options.seed ?? demoDefaults.seed
  const customers = options.customers ?? demoDefaults.customers
  const end = options.end ?? demoDefaults.end
  // The window is whole months ending on `end`: 2026-06-30 and 18 months start on 2025-01-01.
  const start = addMonths(fromDayNumber(toDayNumber(end) + 1), -(options.months ?? demoDefaults.months))
  const duplicateRate = options.duplicateRate ?? demoDefaults.duplicateRate
  if (!Number.isInteger(customers) || customers < 1)
    throw new RangeError('customers must be a positive integer')

  const random = new Random(seed)
  const tables = new DemoTables()
  const window = { start: toDayNumber(start), end: toDayNumber(end) }
  const sampler = new DaySampler(window.start, window.end - window.start + 1)
  const phoneOffset = random.int(0, 99_999_999)

  for (const store of demoStores) {
    tables.add('stores', shanghaiInstant(toDayNumber(store.openedOn), 9 * 60), {
      code: store.code,
      name: store.name,
      city: store.city,
      address: store.address,
      phone: store.phone,
      manager: managerOf(store),
      opened_on: store.openedOn,
    })
  }
  for (const p of demoProducts) {
    tables.add('products', shanghaiInstant(window.start, 8 * 60), {
      sku: p.sku,
      name: p.name,
      category: p.category,
      price: money(p.price),
      consumable: p.replenishmentDays !== undefined,
      replenishment_days: p.replenishmentDays ?? null,
      active: true,
    })
  }

  const registered: Array<{
    name: string
    digits: string
    spelling: number
    firstDay: number
    storeId: number
  }> = []
  const addCustomer = (
    person: { name: string; digits: string; spelling: number; storeId: number; firstDay: number },
    existing: boolean,
  ) => {
    const store = demoStores[person.storeId - 1]!
    const { values, coffeeLover } = profile(random, store, cityValues)
    const memberSince = existing ? person.firstDay - random.int(30, 900) : person.firstDay
    const joinedAt = shanghaiInstant(memberSince, random.int(9 * 60, 20 * 60))
    const id = tables.add('customers', joinedAt, {
      name: person.name,
      phone: spellPhone(random, person.digits, person.spelling === -1 ? undefined : person.spelling).text,
      ...values,
      store: person.storeId,
      member_since: fromDayNumber(memberSince),
      consent_updated_at: joinedAt,
    })
    const record = tables.forms.customers![id - 1]!
    const shopper: Shopper = {
      id,
      store,
      storeId: person.storeId,
      firstDay: person.firstDay,
      activeUntil: Math.min(window.end, person.firstDay + Math.round(random.exponential(330))),
      rate: Math.exp(Math.log(1.4) + 0.8 * random.normal()),
      oneTimer: random.chance(0.28),
      birthday: values.birthday as string | null,
      coffeeLover,
      accountManager: values.account_manager as string | null,
    }
    const purchases = simulateShopper(random, tables, sampler, shopper, window)
    record.values.tier = memberTier(purchases, window.end)
    followUps(random, tables, shopper, window)
    return record
  }

  for (let n = 1; n <= customers; n++) {
    const existing = random.chance(0.2)
    const firstDay = existing
      ? sampler.sample(random.next(), window.start, window.start + 60)
      : sampler.sample(random.next(), window.start, window.end + 1)
    const digits = mobileNumber(n, phoneOffset)
    const person = {
      name: chineseName(random),
      digits,
      spelling: -1,
      storeId: demoStores.indexOf(pickStore(random)) + 1,
      firstDay,
    }
    const record = addCustomer(person, existing)
    registered.push({ ...person, spelling: spellingOf(record.values.phone as string) })
  }

  // The same person signing up again at another store or through the mini program, phone typed differently.
  const duplicates = new Set<number>()
  const wanted = Math.round(customers * duplicateRate)
  for (let tries = 0; duplicates.size < wanted && tries < wanted * 10; tries++)
    duplicates.add(random.int(0, customers - 1))
  for (const index of duplicates) {
    const original = registered[index]!
    const otherStores = demoStores.map((_, i) => i + 1).filter((id) => id !== original.storeId)
    addCustomer(
      {
        name: original.name,
        digits: original.digits,
        spelling: original.spelling,
        storeId: random.pick(otherStores),
        firstDay: sampler.sample(random.next(), original.firstDay, window.end + 1),
      },
      false,
    )
  }

  // The stage history draws from its own sequence, so the opportunities are those of earlier versions.
  const history = new Random(seed + 1)
  opportunities(random, history, tables, Math.max(3, Math.round(customers / 100)), customers, window)
  return { seed, start: fromDayNumber(window.start), end, forms: tables.forms }
}

function spellingOf(text: string): number {
  if (text.startsWith('0086')) return 5
  if (text.startsWith('+86-')) return 4
  if (text.startsWith('+86 ')) return 3
  if (text.includes('-')) return 2
  if (text.includes(' ')) return 1
  return 0
}

const taskTitles: Record<string, string> = {
  call_back: '电话回访，了解最近体验',
  birthday: '生日前问候并提醒领取生日券',
  replenishment: '提醒补购咖啡豆/牛奶',
  win_back: '联系久未到店的老客户',
  other: '登记客户的定制需求',
}

/** A few hand-made follow-ups per hundred customers, most of them done. */
function followUps(
  random: Random,
  tables: DemoTables,
  shopper: Shopper,
  window: { start: number; end: number },
) {
  if (!random.chance(0.06)) return
  for (let i = random.int(1, 2); i > 0; i--) {
    const created = random.int(shopper.firstDay, window.end)
    const due = created + random.int(1, 7)
    const kind = random.weighted(
      ['call_back', 'birthday', 'replenishment', 'win_back', 'other'],
      [40, 15, 20, 15, 10],
    )
    const done = due < window.end - 2 ? random.chance(0.85) : false
    tables.add('tasks', shanghaiInstant(created, random.int(9 * 60, 18 * 60)), {
      customer: shopper.id,
      title: taskTitles[kind],
      kind,
      assignee: shopper.accountManager ?? managerOf(shopper.store),
      due_on: fromDayNumber(due),
      status: done ? 'done' : due < window.end - 14 ? 'cancelled' : 'open',
      done_at: done ? shanghaiInstant(Math.min(due, window.end), random.int(9 * 60, 18 * 60)) : null,
      origin: 'manual',
      outcome: done
        ? random.pick(['客户表示满意', '已约下周到店', '未接通，已发微信', '客户暂无需求'])
        : null,
    })
  }
}

const deals = ['中秋月饼团购', '年会蛋糕定制', '下午茶长期供应', '员工生日蛋糕年度采购', '新春礼盒团购']

/** Corporate deals in every pipeline stage, some stalled in negotiation for the stall alert to find. */
function opportunities(
  random: Random,
  history: Random,
  tables: DemoTables,
  count: number,
  customers: number,
  window: { end: number },
) {
  for (let i = 0; i < count; i++) {
    const customerId = random.int(1, customers)
    const contact = tables.forms.customers![customerId - 1]!
    const tags = contact.values.tags as string[]
    if (!tags.includes('corporate')) tags.push('corporate')
    const stage = random.weighted(
      ['lead', 'contact', 'demo', 'negotiation', 'won', 'lost'],
      [20, 18, 15, 12, 25, 10],
    )
    const changed = window.end - random.int(0, stage === 'negotiation' ? 40 : 60)
    const created = changed - random.int(3, 60)
    const closed = stage === 'won' || stage === 'lost'
    const company = random.pick(companies)
    const store = demoStores[(contact.values.store as number) - 1]!
    const createdAt = shanghaiInstant(created, random.int(9 * 60, 18 * 60))
    const changedAt = shanghaiInstant(changed, random.int(9 * 60, 18 * 60))
    const opportunity = tables.add('opportunities', createdAt, {
      title: `${company} ${random.pick(deals)}`,
      customer: customerId,
      company,
      store: contact.values.store,
      owner: random.chance(0.6) ? random.pick(salesReps) : managerOf(store),
      stage,
      stage_changed_at: stage === 'lead' ? createdAt : changedAt,
      amount: money(random.int(30, 1200) * 10_000),
      expected_close: fromDayNumber(closed ? changed : window.end + random.int(7, 60)),
      closed_at: closed ? shanghaiInstant(changed, 17 * 60) : null,
      lost_reason: stage === 'lost' ? random.pick(['预算不足', '选择了其他供应商', '活动取消']) : null,
    })
    stageHistory(
      history,
      tables,
      opportunity,
      stage,
      { day: created, at: createdAt },
      { day: changed, at: changedAt },
    )
  }
}

const forward = ['lead', 'contact', 'demo', 'negotiation', 'won']

/**
 * The 商机阶段记录 rows the template's rules would have written: the opportunity entered `lead` when it was
 * created, then each later stage in order (a lost deal left from a random open stage) on days between its
 * creation and its last change.
 */
function stageHistory(
  random: Random,
  tables: DemoTables,
  opportunity: number,
  stage: string,
  first: { day: number; at: string },
  last: { day: number; at: string },
) {
  const reached = stage === 'lost' ? random.int(0, 3) : forward.indexOf(stage)
  const path = [...forward.slice(0, reached + 1), ...(stage === 'lost' ? ['lost'] : [])]
  const days = [first.day]
  for (let i = 1; i < path.length - 1; i++) days.push(random.int(first.day, last.day))
  days.sort((a, b) => a - b)
  if (path.length > 1) days.push(last.day)
  const instants = days.map((day, i) =>
    i === 0 ? first.at : i === days.length - 1 ? last.at : shanghaiInstant(day, random.int(9 * 60, 18 * 60)),
  )
  const owner = tables.forms.opportunities![opportunity - 1]!.values
  path.forEach((to, i) => {
    tables.add('opportunity_stage_changes', instants[i]!, {
      opportunity,
      store: owner.store,
      owner: owner.owner,
      from_stage: i === 0 ? null : path[i - 1],
      to_stage: to,
      entered_at: i === 0 ? null : instants[i - 1],
      changed_at: instants[i],
      days_in_stage: i === 0 ? null : days[i]! - days[i - 1]!,
      advanced: i > 0 && to !== 'lost',
    })
  })
}
