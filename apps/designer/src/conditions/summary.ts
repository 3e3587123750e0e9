import type { TFunction } from 'i18next'
import { localized } from '../i18n'
import type { KindedField } from './field-kinds'
import { isUserValue, logicToRows, type ConditionNode, type RowValue } from './logic-rows'
import type { OperatorOptions } from './operators'

const MAX_RAW = 120

function valueText(
  value: RowValue | undefined,
  field: KindedField | undefined,
  t: TFunction,
  language: string,
) {
  if (value === undefined || value === null || value === '') return t('conditions.summary.blank')
  if (isUserValue(value)) return t('conditions.summary.user', { name: value.user })
  const option = (v: string) => {
    const found = field?.field.options?.find((o) => o.value === v)
    return found ? localized(found.label, language) || v : v
  }
  if (Array.isArray(value)) return value.map(option).join(t('conditions.summary.listSeparator'))
  return typeof value === 'string' ? option(value) : String(value)
}

function nodeText(
  node: ConditionNode,
  fields: readonly KindedField[],
  t: TFunction,
  language: string,
  nested: boolean,
): string {
  if (node.type === 'group') {
    const parts = node.items.map((item) => nodeText(item, fields, t, language, true))
    const text = parts.join(t(`conditions.summary.${node.op}`))
    return nested && parts.length > 1 ? `(${text})` : text
  }
  const field = fields.find((f) => f.field.key === node.field)
  const name = field ? localized(field.field.label, language) || node.field : node.field
  return t(`conditions.summary.op.${node.op}`, {
    field: node.side ? t(`conditions.summary.side.${node.side}`, { field: name }) : name,
    a: valueText(node.a, field, t, language),
    b: valueText(node.b, field, t, language),
  })
}

/** A condition as one readable line in the current language; logic the builder cannot show stays JSON. */
export function summarize(
  logic: unknown,
  fields: readonly KindedField[],
  t: TFunction,
  language: string,
  options: OperatorOptions = {},
): string {
  const root = logicToRows(logic, fields, options)
  if (!root) {
    const json = JSON.stringify(logic) ?? ''
    return json.length > MAX_RAW ? `${json.slice(0, MAX_RAW - 1)}…` : json
  }
  if (root.items.length === 0) return t('conditions.summary.always')
  return nodeText(root, fields, t, language, false)
}
