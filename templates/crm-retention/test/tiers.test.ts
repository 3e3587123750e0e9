import { describe, expect, it } from 'vitest'
import { memberTier } from '../src/index.js'

const today = 20_000
const bought = (daysAgo: number, yuan: number) => ({ day: today - daysAgo, fen: yuan * 100 })

describe('member tiers of the bakery chain', () => {
  it('S: two purchases in 30 days worth at least ¥300', () => {
    expect(memberTier([bought(1, 150), bought(29, 150)], today)).toBe('S')
    expect(memberTier([bought(1, 150), bought(29, 149.99)], today)).not.toBe('S')
    expect(memberTier([bought(1, 150), bought(30, 150)], today)).not.toBe('S')
    expect(memberTier([bought(1, 400)], today)).not.toBe('S')
  })

  it('A: three purchases in 90 days when not S', () => {
    expect(memberTier([bought(5, 20), bought(40, 20), bought(89, 20)], today)).toBe('A')
    expect(memberTier([bought(5, 20), bought(40, 20), bought(90, 20)], today)).toBe('B')
  })

  it('C: no purchase for 180 days; B: everyone else who bought', () => {
    expect(memberTier([bought(180, 500), bought(400, 500)], today)).toBe('C')
    expect(memberTier([bought(179, 500)], today)).toBe('B')
    expect(memberTier([bought(61, 30), bought(70, 30)], today)).toBe('B')
    expect(memberTier([], today)).toBe(null)
  })

  it('ignores purchases after the day it is computed for', () => {
    expect(memberTier([bought(-3, 500), bought(200, 10)], today)).toBe('C')
  })
})
