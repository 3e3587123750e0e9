import { fromDayNumber } from './calendar.js'
import { clerksOf, demoStores, givenNameChars, surnames, type DemoStore } from './catalog.js'
import type { Random } from './random.js'

const mobilePrefixes = [
  '138',
  '139',
  '137',
  '136',
  '135',
  '150',
  '151',
  '158',
  '159',
  '186',
  '187',
  '188',
  '189',
]
const mobilePrefixes2 = ['130', '131', '132', '155', '156', '133', '153', '180', '181', '199', '177', '176']
const allPrefixes = [...mobilePrefixes, ...mobilePrefixes2]

/**
 * The `n`th customer's mobile number, unique for n < 10^8: the last eight digits are n times a number
 * coprime to 10^8, plus a seed-derived offset, modulo 10^8 (a bijection).
 */
export function mobileNumber(n: number, offset: number): string {
  const tail = (n * 7919 + offset) % 100_000_000
  return `${allPrefixes[n % allPrefixes.length]}${String(tail).padStart(8, '0')}`
}

/** The ways people actually type a Chinese mobile number into a form. */
export const phoneSpellings: ReadonlyArray<(digits: string) => string> = [
  (d) => d,
  (d) => `${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`,
  (d) => `${d.slice(0, 3)}-${d.slice(3, 7)}-${d.slice(7)}`,
  (d) => `+86 ${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`,
  (d) => `+86-${d}`,
  (d) => `0086${d}`,
]

export function spellPhone(
  random: Random,
  digits: string,
  avoid?: number,
): { text: string; spelling: number } {
  let spelling = random.weighted([0, 1, 2, 3, 4, 5], [70, 10, 10, 5, 3, 2])
  if (spelling === avoid)
    spelling = (spelling + 1 + random.int(0, phoneSpellings.length - 2)) % phoneSpellings.length
  return { text: phoneSpellings[spelling]!(digits), spelling }
}

export function chineseName(random: Random): string {
  const given = random.chance(0.7)
    ? random.pick(givenNameChars) + random.pick(givenNameChars)
    : random.pick(givenNameChars)
  return random.pick(surnames) + given
}

export function birthday(random: Random): string | null {
  if (!random.chance(0.75)) return null
  const year = random.int(1962, 2005)
  const day = Date.UTC(year, 0, 1) / 86_400_000 + random.int(0, 364)
  return fromDayNumber(day)
}

export function pickStore(random: Random): DemoStore {
  return random.weighted(
    demoStores,
    demoStores.map((s) => s.weight),
  )
}

/** Profile fields of a customer registered at `store` (purchase history is added separately). */
export function profile(random: Random, store: DemoStore, cityOptions: readonly string[]) {
  const coffeeLover = random.chance(0.2)
  const tags: string[] = []
  if (random.chance(0.15)) tags.push('sweet_tooth')
  if (coffeeLover) tags.push('coffee_lover')
  if (random.chance(0.1)) tags.push('price_sensitive')
  return {
    coffeeLover,
    values: {
      wechat_id: random.chance(0.55)
        ? `wxid_${random.string('abcdefghijklmnopqrstuvwxyz0123456789', 10)}`
        : null,
      birthday: birthday(random),
      gender: random.weighted(['female', 'male', 'unknown'], [60, 35, 5]),
      city: random.chance(0.9) ? store.city : random.pick(cityOptions),
      source: random.weighted(
        ['walk_in', 'mini_program', 'meituan', 'dianping', 'douyin', 'referral'],
        [40, 25, 12, 8, 8, 7],
      ),
      account_manager: random.chance(0.7) ? random.pick(clerksOf(store)) : null,
      tags,
      consent_sms: random.chance(0.65),
      consent_wechat: random.chance(0.55),
      consent_email: random.chance(0.15),
      consent_call: random.chance(0.45),
    } as Record<string, unknown>,
  }
}
