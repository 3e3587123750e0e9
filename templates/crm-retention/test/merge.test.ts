import { normalizePhone } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import { crmRetentionApp, generateDemoData, memberTier, mergeDuplicateCustomers } from '../src/index.js'

describe('merging duplicate customers', () => {
  const raw = generateDemoData({ customers: 1000, seed: 11, end: '2026-06-30' })
  const { data, merged } = mergeDuplicateCustomers(raw, crmRetentionApp())

  it('leaves one customer per phone, keeping the one who joined first', () => {
    expect(merged.length).toBe(10)
    const phones = data.forms.customers!.map((c) => normalizePhone(c.values.phone as string))
    expect(new Set(phones).size).toBe(phones.length)
    expect(data.forms.customers!.length).toBe(raw.forms.customers!.length - 10)
    const byId = new Map(raw.forms.customers!.map((c) => [c.id, c]))
    for (const m of merged) {
      for (const id of m.merged) {
        expect(
          String(byId.get(m.kept)!.values.member_since) <= String(byId.get(id)!.values.member_since),
        ).toBe(true)
      }
    }
  })

  it('moves every order, coupon, ticket and point of a merged customer to the kept one', () => {
    const gone = new Set(merged.flatMap((m) => m.merged))
    for (const form of [
      'orders',
      'coupons',
      'points_ledger',
      'tickets',
      'surveys',
      'tasks',
      'opportunities',
    ]) {
      expect(data.forms[form]!.length).toBe(raw.forms[form]!.length)
      expect(
        data.forms[form]!.some((r) => gone.has(r.values.customer as number)),
        form,
      ).toBe(false)
    }
    const m = merged[0]!
    const before = raw.forms.orders!.filter((o) =>
      [m.kept, ...m.merged].includes(o.values.customer as number),
    ).length
    expect(data.forms.orders!.filter((o) => o.values.customer === m.kept).length).toBe(before)
  })

  it('unites tags and recomputes the tier from the combined orders', () => {
    const end = Date.parse('2026-06-30T00:00:00Z') / 86_400_000
    for (const m of merged) {
      const kept = data.forms.customers!.find((c) => c.id === m.kept)!
      const allTags = raw.forms
        .customers!.filter((c) => [m.kept, ...m.merged].includes(c.id))
        .flatMap((c) => c.values.tags as string[])
      expect(new Set(kept.values.tags as string[])).toEqual(new Set(allTags))
      const purchases = data.forms
        .orders!.filter((o) => o.values.customer === m.kept && o.values.status === 'paid')
        .map((o) => ({
          day: Math.floor((Date.parse(o.values.ordered_at as string) + 8 * 3_600_000) / 86_400_000),
          fen: Math.round(Number(o.values.amount) * 100),
        }))
      expect(kept.values.tier).toBe(memberTier(purchases, end))
    }
  })

  it('does not change its input', () => {
    const again = generateDemoData({ customers: 1000, seed: 11, end: '2026-06-30' })
    expect(raw).toEqual(again)
  })
})
