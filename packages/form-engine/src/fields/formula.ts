import type { ConditionFieldType } from '../condition-types.js'
import type { FieldDef } from '../types.js'
import { decimalScale, DECIMAL_PRECISION } from './decimal.js'
import type { ConfigIssue, FieldTypeModule, JsonSchema } from './field-type.js'
import { passThrough } from './computed.js'

export type FormulaResultType = NonNullable<FieldDef['resultType']>

const RESULT_TYPES: Record<FormulaResultType, { column: (field: FieldDef) => string; schema: JsonSchema }> = {
  text: { column: () => 'text', schema: { type: 'string' } },
  number: { column: () => 'double precision', schema: { type: 'number' } },
  decimal: {
    column: (field) => `numeric(${DECIMAL_PRECISION}, ${decimalScale(field)})`,
    schema: { type: 'string' },
  },
  boolean: { column: () => 'boolean', schema: { type: 'boolean' } },
  date: { column: () => 'date', schema: { type: 'string', format: 'date' } },
  datetime: { column: () => 'timestamptz', schema: { type: 'string', format: 'date-time' } },
}

export function formulaResultType(field: FieldDef): FormulaResultType {
  return field.resultType && field.resultType in RESULT_TYPES ? field.resultType : 'text'
}

/** JsonLogic over the same record, computed on write (see computeFormulas); its result type picks the column. */
export const formulaField: FieldTypeModule = {
  type: 'formula',
  writable: false,
  sortable: true,
  filterable: true,
  uniqueable: false,
  conditionType: (field) => formulaResultType(field) as ConditionFieldType,
  column: (field) => RESULT_TYPES[formulaResultType(field)].column(field),
  jsonSchema: (field) => RESULT_TYPES[formulaResultType(field)].schema,
  normalize: passThrough,
  invalidCode: 'field.invalid_value',
  validateConfig: (field) => {
    const issues: ConfigIssue[] = []
    if (field.formula === undefined || field.formula === null) {
      issues.push({ path: 'formula', code: 'config.formula_missing' })
    }
    if (field.resultType !== undefined && !(field.resultType in RESULT_TYPES)) {
      issues.push({
        path: 'resultType',
        code: 'config.invalid_result_type',
        params: { resultType: field.resultType },
      })
    }
    return issues
  },
}
