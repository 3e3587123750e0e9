import type { LocalizedText } from '@trellis/form-engine'
import type { DimensionMeta } from '../sql/dimensions.js'

export type Locale = 'zh-CN' | 'en'

const words = {
  empty: { 'zh-CN': '(空)', en: '(empty)' },
  others: { 'zh-CN': '其他', en: 'Others' },
  total: { 'zh-CN': '合计', en: 'Total' },
  subtotal: { 'zh-CN': '小计', en: 'Subtotal' },
  yes: { 'zh-CN': '是', en: 'Yes' },
  no: { 'zh-CN': '否', en: 'No' },
  weekOf: { 'zh-CN': '周', en: 'week of ' },
} as const

export function word(name: keyof typeof words, locale: Locale): string {
  return words[name][locale]
}

export function localized(text: LocalizedText | undefined, locale: Locale, fallback = ''): string {
  if (!text) return fallback
  return text[locale] ?? text['zh-CN'] ?? text.en ?? Object.values(text)[0] ?? fallback
}

/** A bucket's start date as people name the period: 2024-03, 2024-Q1, 2024. */
export function bucketLabel(start: string, bucket: DimensionMeta['bucket'], locale: Locale): string {
  switch (bucket) {
    case 'year':
      return start.slice(0, 4)
    case 'quarter':
      return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`
    case 'month':
      return start.slice(0, 7)
    case 'week':
      return locale === 'zh-CN' ? `${start} ${word('weekOf', locale)}` : `${word('weekOf', locale)}${start}`
    default:
      return start
  }
}

export function valueLabel(value: unknown, meta: DimensionMeta, locale: Locale, others = false): string {
  if (others) return word('others', locale)
  if (value === null || value === undefined) return word('empty', locale)
  switch (meta.kind) {
    case 'bucket':
      return bucketLabel(String(value), meta.bucket, locale)
    case 'bin': {
      const lo = Number(value)
      return `[${lo}, ${lo + meta.bin!.width})`
    }
    case 'case': {
      const found = meta.cases?.find((c) => c.value === value)
      if (found) return localized(found.label, locale, found.value)
      return meta.otherwise?.value === value
        ? localized(meta.otherwise.label, locale, String(value))
        : String(value)
    }
    case 'value': {
      if (typeof value === 'boolean') return word(value ? 'yes' : 'no', locale)
      const option = meta.options?.find((o) => o.value === value)
      return option ? localized(option.label, locale, option.value) : String(value)
    }
    default:
      return String(value)
  }
}
