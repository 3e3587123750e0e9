import { compileCondition } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { chineseSegments, englishSegments, segmentCondition } from '../src/index.js'

describe('segment conditions', () => {
  it('select the same scores, empty ones included, whether or not they know the highest score', () => {
    const scores = [null, 1, 2, 3, 4, 5]
    for (const rule of [...chineseSegments.rules, ...englishSegments.rules]) {
      const full = compileCondition(segmentCondition(rule))
      const short = compileCondition(segmentCondition(rule, 5))
      for (const r of scores)
        for (const f of scores)
          for (const m of scores) {
            const data = { 'window:r': r, 'window:f': f, 'window:m': m }
            expect(short(data), `${rule.value} ${r} ${f} ${m}`).toBe(full(data))
          }
    }
    const best = compileCondition(segmentCondition(chineseSegments.rules[0]!, 5))
    expect(best({ 'window:r': 5, 'window:f': 3, 'window:m': 4 })).toBe(true)
    expect(best({ 'window:r': 5, 'window:f': 2, 'window:m': 4 })).toBe(false)
    expect(JSON.stringify(segmentCondition(chineseSegments.rules[0]!, 5))).not.toContain('"<="')
  })
})
