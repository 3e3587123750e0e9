import type { JsonLogic } from '@trellis/rule-engine'

/** Where a shop's customers and orders live. Defaults fit the CRM template (customers ← orders.customer). */
export interface OrdersModel {
  customers?: string
  orders?: string
  /** Relation field on orders pointing at customers. */
  customer?: string
  amount?: string
  /** Order date (date or datetime field). */
  date?: string
  /** Orders that count as purchases, e.g. `{"==": [{"var": "status"}, "paid"]}`. */
  where?: JsonLogic
}

export type ResolvedModel = Required<Omit<OrdersModel, 'where'>> & { where?: JsonLogic }

export function withDefaults(model: OrdersModel = {}): ResolvedModel {
  return {
    customers: model.customers ?? 'customers',
    orders: model.orders ?? 'orders',
    customer: model.customer ?? 'customer',
    amount: model.amount ?? 'amount',
    date: model.date ?? 'ordered_on',
    ...(model.where !== undefined ? { where: model.where } : {}),
  }
}

/** AND of the present conditions. */
export function all(...parts: JsonLogic[]): JsonLogic | undefined {
  const present = parts.filter((p) => p !== undefined && p !== null)
  if (present.length === 0) return undefined
  return present.length === 1 ? present[0] : { and: present }
}

/** `[from, to)` on the order date; either end optional. */
export function inWindow(date: string, from?: string, to?: string): JsonLogic | undefined {
  return all(
    from === undefined ? undefined : { '>=': [{ var: date }, from] },
    to === undefined ? undefined : { '<': [{ var: date }, to] },
  )
}
