import { Decimal } from 'decimal.js'
import { compileLogic } from './conditions.js'
import type { CompiledCondition, ConditionContext } from './condition-types.js'
import { decimalScale } from './fields/decimal.js'
import { parseDate, parseDatetime } from './fields/date.js'
import { formulaResultType } from './fields/formula.js'
import { isTruthy } from './conditions.js'
import type { FieldDef, FormSchema } from './types.js'

const cache = new WeakMap<FormSchema, Map<string, CompiledCondition>>()

function formulas(form: FormSchema): Map<string, CompiledCondition> {
  let compiled = cache.get(form)
  if (!compiled) {
    compiled = new Map()
    for (const field of form.fields) {
      if (field.type === 'formula' && !field.archived) compiled.set(field.key, compileLogic(field.formula))
    }
    cache.set(form, compiled)
  }
  return compiled
}

/** Brings a JsonLogic result into the stored representation of the formula's result type; junk becomes null. */
export function coerceFormulaResult(result: unknown, field: FieldDef): unknown {
  if (result === null || result === undefined) return null
  switch (formulaResultType(field)) {
    case 'text':
      return typeof result === 'object' ? JSON.stringify(result) : String(result)
    case 'number': {
      const number = typeof result === 'string' && result.trim() === '' ? NaN : Number(result)
      return Number.isFinite(number) ? number : null
    }
    case 'decimal': {
      // JsonLogic arithmetic is floating point; rounding half-up to the scale gives the exact value people expect.
      const number = typeof result === 'string' ? result.trim() : result
      if (
        typeof number !== 'number' &&
        !(typeof number === 'string' && number !== '' && Number.isFinite(Number(number)))
      )
        return null
      if (typeof number === 'number' && !Number.isFinite(number)) return null
      return new Decimal(String(number))
        .toDecimalPlaces(decimalScale(field), Decimal.ROUND_HALF_UP)
        .toFixed(decimalScale(field))
    }
    case 'boolean':
      return isTruthy(result)
    case 'date':
      return parseDate(result) ?? parseDatetime(result)?.slice(0, 10) ?? null
    case 'datetime':
      return parseDatetime(result) ?? null
  }
}

/**
 * Computes every formula field of a (full, merged) record, in field order, so a formula may use the
 * formulas defined before it. Returns a new record; the input is not changed.
 */
export function computeFormulas(
  form: FormSchema,
  record: Record<string, unknown>,
  context?: ConditionContext,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...record }
  const compiled = formulas(form)
  for (const field of form.fields) {
    const formula = compiled.get(field.key)
    if (!formula) continue
    let value: unknown
    try {
      value = formula(result, context)
    } catch {
      value = null
    }
    result[field.key] = coerceFormulaResult(value, field)
  }
  return result
}
