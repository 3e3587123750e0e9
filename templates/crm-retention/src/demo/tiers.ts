/** A paid purchase as the tier rule sees it. */
export interface Purchase {
  /** Day number (days since 1970-01-01, Shanghai calendar). */
  day: number
  /** Amount paid in fen. */
  fen: number
}

/**
 * The bakery chain's tiers as of `today`, checked in this order:
 * S — at least 2 purchases in the last 30 days and at least ¥300 spent in them;
 * A — at least 3 purchases in the last 90 days;
 * C — no purchase in the last 180 days;
 * B — everyone else who has bought (1–2 purchases lately, or none in the last 60 days).
 * Null for someone who never bought. The rules engine will recompute this weekly and on each order.
 */
export function memberTier(purchases: readonly Purchase[], today: number): 'S' | 'A' | 'B' | 'C' | null {
  if (!purchases.length) return null
  let in30 = 0
  let spent30 = 0
  let in90 = 0
  let last = -Infinity
  for (const p of purchases) {
    if (p.day > today) continue
    const age = today - p.day
    if (age < 30) {
      in30++
      spent30 += p.fen
    }
    if (age < 90) in90++
    last = Math.max(last, p.day)
  }
  if (last === -Infinity) return null
  if (in30 >= 2 && spent30 >= 30_000) return 'S'
  if (in90 >= 3) return 'A'
  if (today - last >= 180) return 'C'
  return 'B'
}
