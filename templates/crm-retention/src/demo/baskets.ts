import type { Season } from './calendar.js'
import { demoProductPairs, demoProducts, type DemoProduct } from './catalog.js'
import type { Random } from './random.js'

export interface BasketLine {
  product: DemoProduct
  /** 1-based product id (products are inserted in catalog order). */
  productId: number
  quantity: number
}

const everyday = demoProducts.filter((p) => p.popularity > 0)
const bySku = new Map(demoProducts.map((p, i) => [p.sku, { product: p, id: i + 1 }]))
const product = (sku: string) => bySku.get(sku)!

const quantity = (random: Random) => random.weighted([1, 2, 3], [70, 22, 8])

/**
 * What one customer buys on one visit: gift boxes in the festival seasons, a cake before their
 * birthday, coffee for coffee lovers, everyday bread and drinks, and the usual companions of what is
 * already in the basket (the pairs the cross-sell report should find).
 */
export function basket(
  random: Random,
  season: Season,
  options: { nearBirthday: boolean; coffeeLover: boolean },
): BasketLine[] {
  const lines = new Map<string, BasketLine>()
  const add = (sku: string, qty: number) => {
    if (lines.has(sku)) return
    const { product: p, id } = product(sku)
    lines.set(sku, { product: p, productId: id, quantity: qty })
  }
  if (season === 'mooncake' && random.chance(0.55))
    add(random.weighted(['GB-MOON', 'GB-LAVA'], [60, 40]), random.weighted([1, 2, 3, 4], [50, 25, 15, 10]))
  if (season === 'new_year' && random.chance(0.45))
    add(random.weighted(['GB-NEWYR', 'GB-NUTS'], [75, 25]), random.weighted([1, 2, 3], [60, 28, 12]))
  if (options.nearBirthday && random.chance(0.35)) add(random.weighted(['CK-BD6', 'CK-BD8'], [65, 35]), 1)
  if (options.coffeeLover && random.chance(0.25)) add(random.weighted(['CB-ESPR', 'CB-DRIP'], [45, 55]), 1)
  const everydayItems = (lines.size ? 0 : 1) + (random.chance(0.5) ? 1 : 0) + (random.chance(0.2) ? 1 : 0)
  for (let i = 0; i < everydayItems; i++) {
    add(
      random.weighted(
        everyday,
        everyday.map((p) => p.popularity),
      ).sku,
      quantity(random),
    )
  }
  for (const [a, b, p] of demoProductPairs) if (lines.has(a) && random.chance(p)) add(b, 1)
  return [...lines.values()]
}
