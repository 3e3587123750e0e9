import { normalizePhone, type AppDefinition } from '@trellis/form-engine'
import { toDayNumber } from './calendar.js'
import { memberTier, type Purchase } from './tiers.js'
import type { DemoData, DemoRecord } from './types.js'

export interface MergedCustomer {
  /** The phone in E.164, as the unique index sees it. */
  phone: string
  kept: number
  merged: number[]
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)

const dayMs = 86_400_000
/** The Shanghai calendar day of a UTC instant. */
const shanghaiDay = (iso: string) => Math.floor((Date.parse(iso) + 8 * 3_600_000) / dayMs)
const fen = (amount: string) => Math.round(Number(amount) * 100)

/**
 * Phone is unique, and one phone is one person: customers whose phones normalize to the same E.164
 * number are merged, not skipped, so none of their orders, coupons or tickets is lost. The customer
 * who joined first is kept; their empty fields are filled from the others, tags are united, and every
 * relation pointing at a merged customer (found through the app definition) points at the kept one.
 * The kept customer's tier is recomputed from the combined orders. Pure: the input is not changed.
 */
export function mergeDuplicateCustomers(
  data: DemoData,
  app: AppDefinition,
): { data: DemoData; merged: MergedCustomer[] } {
  const customers = data.forms.customers ?? []
  const groups = new Map<string, DemoRecord[]>()
  for (const record of customers) {
    const phone = typeof record.values.phone === 'string' ? normalizePhone(record.values.phone) : undefined
    if (!phone) continue
    const group = groups.get(phone)
    if (group) group.push(record)
    else groups.set(phone, [record])
  }

  const target = new Map<number, number>()
  const survivors = new Map<number, DemoRecord>()
  const merged: MergedCustomer[] = []
  for (const [phone, group] of groups) {
    if (group.length < 2) continue
    const [kept, ...others] = [...group].sort(
      (a, b) => String(a.values.member_since).localeCompare(String(b.values.member_since)) || a.id - b.id,
    ) as [DemoRecord, ...DemoRecord[]]
    const values = { ...kept.values }
    for (const other of others) {
      target.set(other.id, kept.id)
      for (const [key, value] of Object.entries(other.values)) {
        if (key === 'tags')
          values.tags = [...new Set([...((values.tags as string[]) ?? []), ...(value as string[])])]
        else if (isEmpty(values[key]) && !isEmpty(value)) values[key] = value
      }
    }
    survivors.set(kept.id, { ...kept, values })
    merged.push({ phone, kept: kept.id, merged: others.map((o) => o.id).sort((a, b) => a - b) })
  }
  if (!merged.length) return { data, merged }

  const pointsAtCustomers = new Map<string, string[]>()
  for (const form of app.forms) {
    const fields = form.fields
      .filter((f) => f.type === 'relation' && f.relation?.form === 'customers')
      .map((f) => f.key)
    if (fields.length) pointsAtCustomers.set(form.key, fields)
  }

  const forms: Record<string, DemoRecord[]> = {}
  for (const [key, records] of Object.entries(data.forms)) {
    if (key === 'customers') {
      forms[key] = records.filter((r) => !target.has(r.id)).map((r) => survivors.get(r.id) ?? r)
      continue
    }
    const fields = pointsAtCustomers.get(key)
    forms[key] = !fields
      ? records
      : records.map((record) => {
          let values: Record<string, unknown> | undefined
          for (const field of fields) {
            const to = target.get(record.values[field] as number)
            if (to !== undefined) (values ??= { ...record.values })[field] = to
          }
          return values ? { ...record, values } : record
        })
  }

  // The kept customer's tier now reflects everything they bought under either registration.
  const purchases = new Map<number, Purchase[]>()
  for (const order of forms.orders ?? []) {
    const customer = order.values.customer as number
    if (!survivors.has(customer) || order.values.status !== 'paid') continue
    const list = purchases.get(customer) ?? []
    list.push({
      day: shanghaiDay(order.values.ordered_at as string),
      fen: fen(order.values.amount as string),
    })
    purchases.set(customer, list)
  }
  const today = toDayNumber(data.end)
  for (const survivor of survivors.values())
    survivor.values.tier = memberTier(purchases.get(survivor.id) ?? [], today)

  return { data: { ...data, forms }, merged }
}
