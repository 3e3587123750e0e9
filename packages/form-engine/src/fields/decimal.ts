import { Decimal } from 'decimal.js'
import type { FieldDef } from '../types.js'
import { fail, ok, rangeIssues, type ConfigIssue, type FieldTypeModule } from './field-type.js'

/** Every exact number lives in numeric(20, scale): 20 significant digits, `scale` of them after the point. */
export const DECIMAL_PRECISION = 20
export const MAX_SCALE = 10
const PLAIN_DECIMAL = /^[+-]?\d+(\.\d+)?$/

export function decimalScale(field: FieldDef): number {
  return field.scale ?? 2
}

/**
 * Parses an input decimal exactly. Numbers go through their shortest round-trip string (0.1 → "0.1"), so a
 * number typed as 0.1 stays 0.1; strings must be plain decimals (no grouping, currency signs or exponents).
 */
export function parseDecimal(value: unknown): Decimal | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? new Decimal(String(value)) : undefined
  if (typeof value === 'string' && PLAIN_DECIMAL.test(value.trim())) return new Decimal(value.trim())
  return undefined
}

/** The general path: decimal.js for every check (exponents from numbers, min/max bounds). */
export function normalizeDecimalExact(value: unknown, field: FieldDef) {
  const parsed = parseDecimal(value)
  if (!parsed) return fail('field.invalid_decimal')
  const scale = decimalScale(field)
  // Refuse rather than round: silently changing an amount is worse than asking again.
  if (parsed.decimalPlaces() > scale) return fail('field.too_many_decimals', { scale })
  const digits = DECIMAL_PRECISION - scale
  if (parsed.abs().gte(powerOfTen(digits))) return fail('field.out_of_range', { digits })
  if (field.min !== undefined && parsed.lt(String(field.min)))
    return fail('field.too_small', { min: field.min })
  if (field.max !== undefined && parsed.gt(String(field.max)))
    return fail('field.too_large', { max: field.max })
  const canonical = parsed.isZero() ? new Decimal(0) : parsed
  return ok(canonical.toFixed(scale))
}

const powers = new Map<number, Decimal>()
function powerOfTen(digits: number): Decimal {
  let power = powers.get(digits)
  if (!power) powers.set(digits, (power = new Decimal(10).pow(digits)))
  return power
}

const PLAIN_PARTS = /^([+-]?)0*(\d*?)(?:\.(\d*?)0*)?$/

/**
 * Plain decimal text (the common case: every imported amount, most API writes) checked and canonicalised on the
 * string itself, without decimal.js: same answers as `normalizeDecimalExact` (a property test holds them
 * together). Anything else (exponents, bounds other than a minimum of 0) takes the exact path.
 */
function normalizeDecimal(value: unknown, field: FieldDef) {
  const text =
    typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined
  const bounded = field.max !== undefined || (field.min !== undefined && field.min !== 0)
  if (text === undefined || bounded || !PLAIN_DECIMAL.test(text)) return normalizeDecimalExact(value, field)
  const [, sign, whole, fraction = ''] = PLAIN_PARTS.exec(text)!
  const scale = decimalScale(field)
  if (fraction.length > scale) return fail('field.too_many_decimals', { scale })
  const digits = DECIMAL_PRECISION - scale
  if (whole!.length > digits) return fail('field.out_of_range', { digits })
  const zero = whole === '' && fraction === ''
  if (field.min === 0 && sign === '-' && !zero) return fail('field.too_small', { min: field.min })
  const point = scale > 0 ? `.${fraction.padEnd(scale, '0')}` : ''
  return ok(`${sign === '-' && !zero ? '-' : ''}${whole || '0'}${point}`)
}

function scaleIssues(field: FieldDef): ConfigIssue[] {
  const scale = field.scale
  if (scale === undefined) return []
  return typeof scale === 'number' && Number.isInteger(scale) && scale >= 0 && scale <= MAX_SCALE
    ? []
    : [{ path: 'scale', code: 'config.invalid_scale', params: { max: MAX_SCALE } }]
}

function decimalModule(type: 'decimal' | 'currency' | 'percent'): FieldTypeModule {
  return {
    type,
    writable: true,
    sortable: true,
    filterable: true,
    uniqueable: true,
    conditionType: () => 'decimal',
    column: (field) => `numeric(${DECIMAL_PRECISION}, ${decimalScale(field)})`,
    jsonSchema: () => ({ type: ['number', 'string'], pattern: PLAIN_DECIMAL.source, maxLength: 40 }),
    storedSchema: () => ({ type: 'string', pattern: PLAIN_DECIMAL.source }),
    normalize: normalizeDecimal,
    invalidCode: 'field.invalid_decimal',
    validateConfig: (field) => {
      const issues = [...scaleIssues(field), ...rangeIssues(field)]
      if (type === 'currency' && field.currency !== undefined && !/^[A-Z]{3}$/.test(field.currency)) {
        issues.push({ path: 'currency', code: 'config.invalid_currency' })
      }
      return issues
    },
  }
}

export const decimalField = decimalModule('decimal')
/** Currency: a decimal with a currency code (default CNY); the amount is exact, the code is display. */
export const currencyField = decimalModule('currency')
/** Percent: stored as percentage points ("15.50" means 15.5%), exact like any decimal. */
export const percentField = decimalModule('percent')
