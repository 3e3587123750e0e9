import type { DemoRecord } from './types.js'

/** Forms in insertion order: every relation points at a form listed earlier. */
export const demoFormOrder = [
  'stores',
  'products',
  'customers',
  'coupons',
  'orders',
  'order_lines',
  'points_ledger',
  'tickets',
  'surveys',
  'tasks',
  'opportunities',
  'opportunity_stage_changes',
] as const

/** Collects records per form, handing out 1-based ids. */
export class DemoTables {
  readonly forms: Record<string, DemoRecord[]> = Object.fromEntries(demoFormOrder.map((key) => [key, []]))

  add(form: (typeof demoFormOrder)[number], createdAt: string, values: Record<string, unknown>): number {
    const list = this.forms[form]!
    const id = list.length + 1
    list.push({ id, createdAt, values })
    return id
  }
}

/** Fen → the decimal string currency fields take (`1850` → `"18.50"`). */
export const money = (fen: number): string =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`
