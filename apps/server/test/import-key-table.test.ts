import { describe, expect, it } from 'vitest'
import { KeyTable } from '../src/imports/key-table.js'

describe('KeyTable', () => {
  it('maps strings to numbers exactly as a Map does, through growth and keys sharing slots', () => {
    const table = new KeyTable()
    const map = new Map<string, number>()
    const keys: string[] = []
    for (let i = 0; i < 50_000; i++) {
      // Phones, prefixes of one another, the empty string, non-ASCII and astral characters.
      keys.push(
        `+86139${String(i).padStart(8, '0')}`,
        `k${i % 7000}`,
        i % 3 ? `客户${i % 900}` : `😀${i % 11}`,
      )
    }
    keys.push('', 'k', 'k1', 'k10')
    keys.forEach((key, line) => {
      const earlier = table.getOrAdd(key, line)
      expect(earlier).toBe(map.get(key))
      if (!map.has(key)) map.set(key, line)
    })
    expect(table.size).toBe(map.size)
    for (const [key, line] of map) expect(table.get(key)).toBe(line)
    expect(table.get('k7000')).toBeUndefined()
    expect(table.get('+8613900050000')).toBeUndefined()
    table.set('k1', -1)
    table.set('new', 2 ** 40)
    expect([table.get('k1'), table.get('new'), table.size]).toEqual([-1, 2 ** 40, map.size + 1])
  })
})
