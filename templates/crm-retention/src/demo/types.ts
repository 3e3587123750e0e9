/** One record of demo data: its local id (the loader keeps it), when it was created, its field values. */
export interface DemoRecord {
  /** 1-based within its form; relation fields hold these ids. */
  id: number
  /** ISO instant the record was created in the shop's history (becomes `created_at`). */
  createdAt: string
  values: Record<string, unknown>
}

export interface DemoOptions {
  /** Same seed, same data. Default 20240901. */
  seed?: number
  /** Customers (not counting the duplicate registrations added on top). Default 20,000. */
  customers?: number
  /** Last day of history, `YYYY-MM-DD` (Shanghai). Default 2026-06-30. */
  end?: string
  /** Months of history before `end`. Default 18. */
  months?: number
  /** Share of customers registered a second time with the same phone spelled differently. Default 1 %. */
  duplicateRate?: number
}

export interface DemoData {
  seed: number
  start: string
  end: string
  /** Records by form key, in an order that satisfies every relation (parents before children). */
  forms: Record<string, DemoRecord[]>
}

export const demoDefaults = {
  seed: 20240901,
  customers: 20_000,
  end: '2026-06-30',
  months: 18,
  duplicateRate: 0.01,
} as const
