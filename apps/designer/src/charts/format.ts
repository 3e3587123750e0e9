import type { PivotGrid } from '@trellis/report-engine'

type Text = Partial<Record<string, string>> | undefined

/** A localized label in the grid's language, falling back to Chinese (the template's source language). */
export function textOf(text: Text, locale: string): string {
  if (!text) return ''
  return text[locale] ?? text['zh-CN'] ?? text.en ?? Object.values(text)[0] ?? ''
}

const formats = new Map<string, Intl.NumberFormat>()

function numberFormat(locale: string, percent: boolean): Intl.NumberFormat {
  const key = `${locale}:${percent}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(
      locale,
      percent
        ? { style: 'percent', maximumFractionDigits: 1 }
        : {
            maximumFractionDigits: 2,
          },
    )
    formats.set(key, format)
  }
  return format
}

/** A measure's value as shown in a table: shares as percentages, numbers grouped, empty as blank. */
export function formatCell(
  value: number | string | null,
  measure: PivotGrid['measures'][number],
  locale: string,
) {
  if (value === null) return ''
  if (typeof value === 'string') return value
  const percent = measure.showAs !== undefined && measure.showAs !== 'value'
  return numberFormat(locale, percent).format(value)
}
