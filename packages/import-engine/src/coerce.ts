import { normalizePhone, type FieldDef } from '@trellis/form-engine'
import { parseDateParts } from './coerce-date.js'

export type Coerced = { ok: true; value: unknown } | { ok: false; code: string; message: string }

export interface CoerceOptions {
  /** Offset applied to datetimes written without one (a shop's local time), e.g. `+08:00`. */
  utcOffset?: string
  /** Language of option labels to match first; both are tried. */
  locale?: 'zh-CN' | 'en'
}

const ok = (value: unknown): Coerced => ({ ok: true, value })
const fail = (code: string, message: string): Coerced => ({ ok: false, code, message })

/** A number as it is stored: optional sign, digits, an optional point followed by digits. */
const plainNumber = /^[-+]?\d+(?:\.\d+)?$/

const truthy = new Set(['是', '对', '有', 'y', 'yes', 'true', 't', '1', '√', '✓', 'on'])
const falsy = new Set(['否', '不', '不是', '无', 'n', 'no', 'false', 'f', '0', '×', '✗', 'off'])

/**
 * Reads a number as people write it: `1,234.50`, `¥1,234.5`, `￥ 99`, `1 234`, `12.5%` (percent fields
 * only), `(12)` for a negative in accounting exports. Returns the plain decimal string, so exact types
 * (decimal, currency) keep every digit.
 */
export function parseNumberText(raw: string, percent = false): string | undefined {
  // Most cells are plain integers or decimals: no cleaning needed.
  if (plainNumber.test(raw)) return raw.startsWith('+') ? raw.slice(1) : raw
  let text = raw
    .trim()
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[¥￥$€£]|RMB|CNY|元/gi, '')
    .replace(/[,，\s\u00a0]/g, '')
  let negative = false
  if (/^\(.*\)$/.test(text)) {
    negative = true
    text = text.slice(1, -1)
  }
  let scale = 0
  if (text.endsWith('%')) {
    if (!percent) return undefined
    text = text.slice(0, -1)
    scale = 2
  }
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)$/.test(text)) return undefined
  if (text.startsWith('+')) text = text.slice(1)
  if (negative) text = text.startsWith('-') ? text.slice(1) : `-${text}`
  if (scale) text = String(Number(text) / 100)
  return text.replace(/\.$/, '')
}

function matchOption(field: FieldDef, raw: string): string | undefined {
  const wanted = raw.trim().toLowerCase()
  for (const option of field.options ?? []) {
    if (option.value.toLowerCase() === wanted) return option.value
    for (const label of Object.values(option.label)) {
      if (label && label.trim().toLowerCase() === wanted) return option.value
    }
  }
  return undefined
}

/**
 * Turns one cell's text into the value the form's validator expects, or a per-cell error. An empty cell
 * is `undefined` (nothing to write), never null: an import never clears data by leaving a cell blank.
 * Relation cells are returned as trimmed text: the host resolves them by key against its database.
 */
export function coerceCell(field: FieldDef, raw: string, options: CoerceOptions = {}): Coerced {
  const text = raw.trim()
  if (text === '') return ok(undefined)
  switch (field.type) {
    case 'text':
    case 'long_text':
    case 'url':
      return ok(field.type === 'long_text' ? raw.replace(/\r\n/g, '\n').trim() : text)
    case 'email':
      return ok(text.toLowerCase())
    case 'phone': {
      const phone = normalizePhone(text)
      return phone ? ok(phone) : fail('import.invalid_phone', `"${text}" is not a phone number`)
    }
    case 'number':
    case 'decimal':
    case 'currency':
    case 'percent': {
      const number = parseNumberText(text, field.type === 'percent')
      if (number === undefined) return fail('import.invalid_number', `"${text}" is not a number`)
      return ok(field.type === 'number' ? Number(number) : number)
    }
    case 'boolean': {
      const key = text.toLowerCase()
      if (truthy.has(key)) return ok(true)
      if (falsy.has(key)) return ok(false)
      return fail('import.invalid_boolean', `"${text}" is not yes or no (是/否, Y/N, true/false)`)
    }
    case 'date': {
      const parts = parseDateParts(text)
      return parts ? ok(parts.date) : fail('import.invalid_date', `"${text}" is not a date (2026-01-05)`)
    }
    case 'datetime': {
      const parts = parseDateParts(text)
      if (!parts) return fail('import.invalid_datetime', `"${text}" is not a date and time`)
      return ok(`${parts.date}T${parts.time ?? '00:00:00'}${options.utcOffset ?? '+08:00'}`)
    }
    case 'select': {
      const value = matchOption(field, text)
      return value !== undefined ? ok(value) : fail('import.unknown_option', `"${text}" is not an option`)
    }
    case 'multi_select':
    case 'tags': {
      const items = text
        .split(/[,，;；、|]/)
        .map((s) => s.trim())
        .filter(Boolean)
      if (field.type === 'tags') return ok([...new Set(items)])
      const values: string[] = []
      for (const item of items) {
        const value = matchOption(field, item)
        if (value === undefined) return fail('import.unknown_option', `"${item}" is not an option`)
        values.push(value)
      }
      return ok([...new Set(values)])
    }
    case 'relation':
    case 'user':
      return ok(text)
    default:
      return fail('import.not_importable', `${field.type} fields are computed or uploaded, not imported`)
  }
}
