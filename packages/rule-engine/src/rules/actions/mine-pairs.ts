import type { JsonLogic } from '../../types.js'
import type { RuleFormView, RuleIssue } from '../types.js'
import { checkWritableField, fieldOf, type ActionModule } from './action.js'

/**
 * Mines "bought A, also bought B" pairs from line records (the report engine's market basket pairs) and
 * stores them in a pairs form, matched by (product, recommend). The pairs form's fields are fixed:
 * `product` and `recommend` (relations to the item's form), `baskets`, `support`, `confidence`, `lift`,
 * `mined_at`, and if present `product_name`/`recommend_name` (snapshots of the items' `nameField`) and
 * `mined` (false for a stored pair the latest mining no longer finds). Any other field of the pairs form
 * (the shop's `enabled`, `days`) is never written on an existing pair.
 */
export interface MinePairsConfig {
  type: 'mine_pairs'
  /** The line form (default `order_lines`), its basket relation (default `order`) and item relation (`product`). */
  source?: string
  basket?: string
  item?: string
  /** Which lines count, over the line form and through its relations (`order.status == 'paid'`). */
  filter?: JsonLogic
  minBaskets?: number
  minSupport?: number
  minConfidence?: number
  /** Each item's N best partners by confidence (default 5). */
  perItem?: number
  /** The pairs form (default `product_pairs`). */
  into?: string
  /** The item form's field copied into `product_name` / `recommend_name` (default `name`). */
  nameField?: string
}

/** Fields of the pairs form the mining writes, with the types they need. */
export const minedPairFields: Record<string, readonly string[]> = {
  baskets: ['number'],
  support: ['number', 'decimal'],
  confidence: ['number', 'decimal'],
  lift: ['number', 'decimal'],
  mined_at: ['datetime'],
}
export const optionalPairFields: Record<string, readonly string[]> = {
  product_name: ['text'],
  recommend_name: ['text'],
  mined: ['boolean'],
}

const targetOf = (field: unknown) => (field as { relation?: { form?: string } } | undefined)?.relation?.form

export const minePairs: ActionModule<MinePairsConfig> = {
  type: 'mine_pairs',
  needsRecord: false,
  configSchema: {
    type: 'object',
    required: ['type'],
    additionalProperties: false,
    properties: {
      type: { const: 'mine_pairs' },
      source: { type: 'string', minLength: 1 },
      basket: { type: 'string', minLength: 1 },
      item: { type: 'string', minLength: 1 },
      filter: {},
      minBaskets: { type: 'integer', minimum: 1 },
      minSupport: { type: 'number', minimum: 0, maximum: 1 },
      minConfidence: { type: 'number', minimum: 0, maximum: 1 },
      perItem: { type: 'integer', minimum: 1, maximum: 100 },
      into: { type: 'string', minLength: 1 },
      nameField: { type: 'string', minLength: 1 },
    },
  },
  check(config, ctx) {
    const live = (key: string) => ctx.app.forms.find((f) => f.key === key && !f.archived)
    const issues: RuleIssue[] = []
    const sourceKey = config.source ?? 'order_lines'
    const intoKey = config.into ?? 'product_pairs'
    const source = live(sourceKey)
    const into = live(intoKey)
    if (!source)
      issues.push({ code: 'UNKNOWN_FORM', message: `The app has no form "${sourceKey}"`, path: 'source' })
    if (!into)
      issues.push({ code: 'UNKNOWN_FORM', message: `The app has no form "${intoKey}"`, path: 'into' })
    if (!source || !into) return issues

    const relation = (form: RuleFormView, key: string, path: string) => {
      const field = fieldOf(form, key)
      if (!field)
        issues.push({ code: 'UNKNOWN_FIELD', message: `Form ${form.key} has no field "${key}"`, path })
      else if (field.type !== 'relation')
        issues.push({
          code: 'WRONG_FIELD_TYPE',
          message: `${key} must be a relation, it is ${field.type}`,
          path,
        })
      return field?.type === 'relation' ? targetOf(field) : undefined
    }
    relation(source, config.basket ?? 'order', 'basket')
    const itemForm = relation(source, config.item ?? 'product', 'item')
    for (const key of ['product', 'recommend']) {
      const target = relation(into, key, `into.${key}`)
      if (itemForm && target && target !== itemForm)
        issues.push({
          code: 'WRONG_FIELD_TYPE',
          message: `${intoKey}.${key} relates to ${target}, not ${itemForm}`,
          path: `into.${key}`,
        })
    }
    const typed = (fields: Record<string, readonly string[]>, required: boolean) => {
      for (const [key, types] of Object.entries(fields)) {
        const field = fieldOf(into, key)
        if (!field && !required) continue
        const writable = checkWritableField(into, key, `into.${key}`)
        if (writable.length) issues.push(...writable)
        else if (!types.includes(field!.type))
          issues.push({
            code: 'WRONG_FIELD_TYPE',
            message: `${intoKey}.${key} must be ${types.join(' or ')}, it is ${field!.type}`,
            path: `into.${key}`,
          })
      }
    }
    typed(minedPairFields, true)
    typed(optionalPairFields, false)
    const items = itemForm ? live(itemForm) : undefined
    const name = config.nameField ?? 'name'
    if (items && !fieldOf(items, name) && (fieldOf(into, 'product_name') || fieldOf(into, 'recommend_name')))
      issues.push({
        code: 'UNKNOWN_FIELD',
        message: `Form ${items.key} has no field "${name}"`,
        path: 'nameField',
      })
    return issues
  },
  plan(config) {
    return { kind: 'mine_pairs', config }
  },
}
