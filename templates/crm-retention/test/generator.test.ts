import { compileFormValidator, normalizePhone } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import {
  crmRetentionApp,
  demoFormOrder,
  generateDemoData,
  midAutumn,
  mooncakeSeasonDays,
  newYearSeasonDays,
  springFestival,
} from '../src/index.js'

const dayMs = 86_400_000
const shanghaiDay = (iso: string) => Math.floor((Date.parse(iso) + 8 * 3_600_000) / dayMs)
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / dayMs

describe('demo data generator', () => {
  const options = { customers: 3000, seed: 42, end: '2026-06-30' }
  const data = generateDemoData(options)
  const orders = data.forms.orders!
  const customers = data.forms.customers!

  it('is deterministic: the same seed gives the same data, another seed other data', () => {
    const small = { customers: 200, seed: 7, end: '2026-06-30' }
    expect(generateDemoData(small)).toEqual(generateDemoData(small))
    const other = generateDemoData({ ...small, seed: 8 })
    expect(other.forms.orders!.length).not.toBe(generateDemoData(small).forms.orders!.length)
  })

  it('covers 18 whole months ending on the given day, with about ten orders per customer', () => {
    expect(data.start).toBe('2025-01-01')
    const days = orders.map((o) => shanghaiDay(o.values.ordered_at as string))
    expect(Math.min(...days)).toBeGreaterThanOrEqual(dayOf('2025-01-01'))
    expect(Math.max(...days)).toBeLessThanOrEqual(dayOf('2026-06-30'))
    const perCustomer = orders.length / options.customers
    expect(perCustomer).toBeGreaterThan(8)
    expect(perCustomer).toBeLessThan(12)
  })

  it('has realistic repeat behaviour: most buy again, about a third only once, a few are heavy buyers', () => {
    const paid = new Map<number, number>()
    for (const o of orders)
      if (o.values.status === 'paid')
        paid.set(o.values.customer as number, (paid.get(o.values.customer as number) ?? 0) + 1)
    const counts = [...paid.values()]
    const repeat = counts.filter((n) => n >= 2).length / customers.length
    expect(repeat).toBeGreaterThan(0.55)
    expect(repeat).toBeLessThan(0.75)
    const heavy = counts.filter((n) => n >= 30).length / customers.length
    expect(heavy).toBeGreaterThan(0.02)
    expect(heavy).toBeLessThan(0.2)
  })

  it('peaks before Mid-Autumn and Spring Festival (twice the daily orders of the four weeks before)', () => {
    const perDay = new Map<number, number>()
    for (const o of orders) {
      const day = shanghaiDay(o.values.ordered_at as string)
      perDay.set(day, (perDay.get(day) ?? 0) + 1)
    }
    const average = (from: number, to: number) => {
      let sum = 0
      for (let d = from; d < to; d++) sum += perDay.get(d) ?? 0
      return sum / (to - from)
    }
    const festivals = [
      ...midAutumn.map((date) => ({ day: dayOf(date), season: mooncakeSeasonDays })),
      ...springFestival.map((date) => ({ day: dayOf(date), season: newYearSeasonDays })),
    ].filter((f) => f.day - f.season - 28 >= dayOf(data.start) && f.day <= dayOf(data.end))
    // Mid-Autumn 2025 and Spring Festival 2026; Spring Festival 2025 is too close to the start for a baseline.
    expect(festivals.length).toBe(2)
    for (const { day, season } of festivals) {
      const peak = average(day - season, day)
      const before = average(day - season - 28, day - season)
      expect(peak / before, `festival on day ${day}`).toBeGreaterThan(1.8)
    }
  })

  it('fills gift boxes in their season only', () => {
    const products = data.forms.products!
    const mooncake = new Set(
      products
        .filter((p) => String(p.values.sku).startsWith('GB-MOON') || p.values.sku === 'GB-LAVA')
        .map((p) => p.id),
    )
    const orderDay = new Map(orders.map((o) => [o.id, shanghaiDay(o.values.ordered_at as string)]))
    const festivalDays = midAutumn.map(dayOf)
    for (const line of data.forms.order_lines!) {
      if (!mooncake.has(line.values.product as number)) continue
      const day = orderDay.get(line.values.order as number)!
      expect(festivalDays.some((f) => f - day > 0 && f - day <= mooncakeSeasonDays)).toBe(true)
    }
  })

  it('registers about 1 % of customers twice, the same phone spelled differently', () => {
    const byPhone = new Map<string, string[]>()
    for (const c of customers) {
      const phone = normalizePhone(c.values.phone as string)!
      expect(phone).toMatch(/^\+861[3-9]\d{9}$/)
      byPhone.set(phone, [...(byPhone.get(phone) ?? []), c.values.phone as string])
    }
    const twice = [...byPhone.values()].filter((spellings) => spellings.length > 1)
    expect(customers.length).toBe(options.customers + 30)
    expect(twice.length).toBe(30)
    for (const spellings of twice) expect(new Set(spellings).size).toBe(spellings.length)
  })

  it('gives every record values the form accepts, and relations that point at existing records', () => {
    const app = crmRetentionApp()
    const small = generateDemoData({ customers: 300, seed: 3, end: '2026-06-30' })
    const ids = new Map(
      Object.entries(small.forms).map(([form, records]) => [form, new Set(records.map((r) => r.id))]),
    )
    expect(Object.keys(small.forms)).toEqual([...demoFormOrder])
    // Product pairs are mined from the order lines at install (rule mine_product_pairs), not generated.
    expect(app.forms.map((f) => f.key).filter((key) => !(key in small.forms))).toEqual(['product_pairs'])
    const problems: unknown[] = []
    for (const form of app.forms.filter((f) => f.key in small.forms)) {
      const validate = compileFormValidator(form)
      const relations = form.fields.filter((f) => f.type === 'relation')
      for (const record of small.forms[form.key]!) {
        const result = validate(record.values, { mode: 'create' })
        if (!result.ok) problems.push({ form: form.key, id: record.id, errors: result.errors })
        for (const relation of relations) {
          const target = record.values[relation.key]
          if (target === null || target === undefined) continue
          if (!ids.get(relation.relation!.form)!.has(target as number))
            problems.push({ form: form.key, id: record.id, dangling: relation.key })
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('includes tickets with surveys, follow-up tasks and opportunities in every stage', () => {
    const tickets = data.forms.tickets!
    const surveys = data.forms.surveys!
    expect(tickets.length).toBeGreaterThan(100)
    expect(surveys.filter((s) => s.values.trigger === 'ticket_closed').length).toBeGreaterThan(30)
    expect(surveys.every((s) => (s.values.score as number) >= 0 && (s.values.score as number) <= 10)).toBe(
      true,
    )
    expect(data.forms.tasks!.length).toBeGreaterThan(50)
    expect(new Set(data.forms.opportunities!.map((o) => o.values.stage))).toEqual(
      new Set(['lead', 'contact', 'demo', 'negotiation', 'won', 'lost']),
    )
  })
})
