/**
 * Days of the demo window, the festivals that shape a Chinese bakery's year, and a sampler that draws
 * days in proportion to how busy they are. Lunar festival dates are listed rather than computed: a
 * lunar calendar library would be a dependency for sixteen well-known dates.
 */

const dayMs = 86_400_000

/** Mid-Autumn Festival (中秋节), Gregorian dates. */
export const midAutumn = [
  '2023-09-29',
  '2024-09-17',
  '2025-10-06',
  '2026-09-25',
  '2027-09-15',
  '2028-10-03',
  '2029-09-22',
  '2030-09-12',
]

/** Spring Festival (春节, lunar new year's day), Gregorian dates. */
export const springFestival = [
  '2023-01-22',
  '2024-02-10',
  '2025-01-29',
  '2026-02-17',
  '2027-02-06',
  '2028-01-26',
  '2029-02-13',
  '2030-02-03',
]

/** Days before Mid-Autumn when mooncake gift boxes sell (the year's peak). */
export const mooncakeSeasonDays = 14
/** Days before Spring Festival when new-year gift boxes sell. */
export const newYearSeasonDays = 12

export const toDayNumber = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / dayMs)
export const fromDayNumber = (day: number): string => new Date(day * dayMs).toISOString().slice(0, 10)

/** `YYYY-MM-DD` plus `months` calendar months (day clamped to the month's end). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const index = y * 12 + (m - 1) + months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/** A Shanghai wall-clock time on a day, as the UTC instant the API stores (`…Z`). */
export function shanghaiInstant(day: number, minuteOfDay: number): string {
  return new Date(day * dayMs + (minuteOfDay - 8 * 60) * 60_000).toISOString()
}

export type Season = 'mooncake' | 'new_year' | 'festival_holiday' | 'normal'

const midAutumnDays = midAutumn.map(toDayNumber)
const springFestivalDays = springFestival.map(toDayNumber)

/** What kind of day it is for a bakery: the weeks before the two festivals sell the gift boxes. */
export function seasonOf(day: number): Season {
  for (const festival of midAutumnDays) {
    const gap = festival - day
    if (gap > 0 && gap <= mooncakeSeasonDays) return 'mooncake'
  }
  for (const festival of springFestivalDays) {
    const gap = festival - day
    if (gap > 0 && gap <= newYearSeasonDays) return 'new_year'
    if (gap <= 0 && gap > -7) return 'festival_holiday'
  }
  return 'normal'
}

/** Relative busyness of a day: weekends, gift-box seasons, and the quiet Spring Festival week. */
export function dayWeight(day: number): number {
  const weekday = new Date(day * dayMs).getUTCDay()
  let weight = weekday === 0 || weekday === 6 ? 1.25 : 1
  switch (seasonOf(day)) {
    case 'mooncake':
      weight *= 2.6
      break
    case 'new_year':
      weight *= 2
      break
    case 'festival_holiday':
      weight *= 0.5
      break
    case 'normal':
      break
  }
  return weight
}

/** Draws days in [from, to) with probability proportional to `dayWeight`, by binary search on the sums. */
export class DaySampler {
  private readonly cumulative: Float64Array

  constructor(
    readonly first: number,
    readonly days: number,
  ) {
    this.cumulative = new Float64Array(days + 1)
    for (let i = 0; i < days; i++) this.cumulative[i + 1] = this.cumulative[i]! + dayWeight(first + i)
  }

  /** `u` uniform in [0, 1); `from`/`to` are day numbers inside the window. */
  sample(u: number, from: number, to: number): number {
    const lo = this.cumulative[Math.max(0, from - this.first)]!
    const hi = this.cumulative[Math.min(this.days, to - this.first)]!
    const target = lo + u * (hi - lo)
    let a = Math.max(0, from - this.first)
    let b = Math.min(this.days, to - this.first)
    while (b - a > 1) {
      const mid = (a + b) >> 1
      if (this.cumulative[mid]! <= target) a = mid
      else b = mid
    }
    return this.first + a
  }
}
