import type { LocalizedText } from '@trellis/form-engine'
import type { JsonLogic } from '@trellis/rule-engine'

/** A segment: inclusive score ranges on R, F and M (1…5); the first matching segment wins. */
export interface SegmentRule {
  value: string
  label: LocalizedText
  r?: [number, number]
  f?: [number, number]
  m?: [number, number]
}

export interface SegmentMap {
  rules: SegmentRule[]
  otherwise?: { value: string; label: LocalizedText }
}

const HIGH: [number, number] = [3, 5]
const LOW: [number, number] = [1, 2]

/**
 * The eight classic Chinese RFM segments: each score is "high" from 3 up (the upper three quintiles).
 * Every customer with a score falls in exactly one.
 */
export const chineseSegments: SegmentMap = {
  rules: [
    {
      value: 'important_value',
      label: { 'zh-CN': '重要价值客户', en: 'Important value' },
      r: HIGH,
      f: HIGH,
      m: HIGH,
    },
    {
      value: 'important_develop',
      label: { 'zh-CN': '重要发展客户', en: 'Important to develop' },
      r: HIGH,
      f: LOW,
      m: HIGH,
    },
    {
      value: 'important_keep',
      label: { 'zh-CN': '重要保持客户', en: 'Important to keep' },
      r: LOW,
      f: HIGH,
      m: HIGH,
    },
    {
      value: 'important_winback',
      label: { 'zh-CN': '重要挽留客户', en: 'Important to win back' },
      r: LOW,
      f: LOW,
      m: HIGH,
    },
    {
      value: 'general_value',
      label: { 'zh-CN': '一般价值客户', en: 'General value' },
      r: HIGH,
      f: HIGH,
      m: LOW,
    },
    {
      value: 'general_develop',
      label: { 'zh-CN': '一般发展客户', en: 'General to develop' },
      r: HIGH,
      f: LOW,
      m: LOW,
    },
    {
      value: 'general_keep',
      label: { 'zh-CN': '一般保持客户', en: 'General to keep' },
      r: LOW,
      f: HIGH,
      m: LOW,
    },
    {
      value: 'general_winback',
      label: { 'zh-CN': '一般挽留客户', en: 'General to win back' },
      r: LOW,
      f: LOW,
      m: LOW,
    },
  ],
}

/** The usual English set; customers matching none are "Others". */
export const englishSegments: SegmentMap = {
  rules: [
    { value: 'champions', label: { en: 'Champions', 'zh-CN': '冠军客户' }, r: [4, 5], f: [4, 5], m: [4, 5] },
    { value: 'loyal', label: { en: 'Loyal', 'zh-CN': '忠诚客户' }, f: [4, 5] },
    { value: 'at_risk', label: { en: 'At risk', 'zh-CN': '流失风险客户' }, r: [1, 2], f: [3, 5] },
    { value: 'hibernating', label: { en: 'Hibernating', 'zh-CN': '沉睡客户' }, r: [1, 2], f: [1, 2] },
  ],
  otherwise: { value: 'others', label: { en: 'Others', 'zh-CN': '其他客户' } },
}

/**
 * A rule → the JsonLogic over the score windows (`window:r`, `window:f`, `window:m`). Given the number of
 * buckets (the highest score), a range reaching it is written `score >= low`: the same records, empty scores
 * included, in half the SQL.
 */
export function segmentCondition(rule: SegmentRule, buckets?: number): JsonLogic {
  const parts: JsonLogic[] = []
  for (const key of ['r', 'f', 'm'] as const) {
    const range = rule[key]
    if (!range) continue
    const score = { var: `window:${key}` }
    parts.push(
      buckets !== undefined && range[1] >= buckets
        ? { '>=': [score, range[0]] }
        : { '<=': [range[0], score, range[1]] },
    )
  }
  return parts.length ? { and: parts } : true
}

/** The segment a set of scores falls in, in plain TypeScript (tests and previews). */
export function segmentOf(map: SegmentMap, scores: { r: number; f: number; m: number }): string | null {
  const hit = map.rules.find((rule) =>
    (['r', 'f', 'm'] as const).every(
      (k) => !rule[k] || (scores[k] >= rule[k]![0] && scores[k] <= rule[k]![1]),
    ),
  )
  return hit?.value ?? map.otherwise?.value ?? null
}
