import type { JsonLogic } from '../../types.js'
import type { RuleIssue } from '../types.js'
import { checkWritableField, fieldOf, type ActionModule } from './action.js'

/** Which customer field receives which RFM result. */
export interface RfmTargetFields {
  recency?: string
  frequency?: string
  monetary?: string
  segment?: string
}

export interface ScoreRfmConfig {
  type: 'score_rfm'
  /** The customers form whose records are scored (default `customers`). */
  customers?: string
  /** The orders form (default `orders`), its relation to customers, date and amount fields. */
  orders?: string
  customer?: string
  date?: string
  amount?: string
  /** Orders that count as purchases, over the orders form (`{"==": [{"var": "status"}, "paid"]}`). */
  where?: JsonLogic
  /** Only orders of the last `days` days count (default: all). */
  days?: number
  fields: RfmTargetFields
}

const scoreTypes = new Set(['number'])
const dateTypes = new Set(['date', 'datetime'])
const amountTypes = new Set(['number', 'currency'])

/**
 * Scores every customer by recency, frequency and monetary value (quintiles 1–5, the report engine's RFM
 * builder) and writes the scores and the segment into the customers' own fields, so the customer file, list
 * filters and rules can use them. Customers with no qualifying order get empty scores. The server computes it
 * set-based (one statement); the plan only carries the configuration.
 */
export const scoreRfm: ActionModule<ScoreRfmConfig> = {
  type: 'score_rfm',
  needsRecord: false,
  configSchema: {
    type: 'object',
    required: ['type', 'fields'],
    additionalProperties: false,
    properties: {
      type: { const: 'score_rfm' },
      customers: { type: 'string', minLength: 1 },
      orders: { type: 'string', minLength: 1 },
      customer: { type: 'string', minLength: 1 },
      date: { type: 'string', minLength: 1 },
      amount: { type: 'string', minLength: 1 },
      where: {},
      days: { type: 'integer', minimum: 1, maximum: 36500 },
      fields: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          recency: { type: 'string', minLength: 1 },
          frequency: { type: 'string', minLength: 1 },
          monetary: { type: 'string', minLength: 1 },
          segment: { type: 'string', minLength: 1 },
        },
      },
    },
  },
  check(config, ctx) {
    const live = (key: string) => ctx.app.forms.find((f) => f.key === key && !f.archived)
    const customersKey = config.customers ?? 'customers'
    const ordersKey = config.orders ?? 'orders'
    const customers = live(customersKey)
    const orders = live(ordersKey)
    const issues: RuleIssue[] = []
    if (!customers)
      issues.push({
        code: 'UNKNOWN_FORM',
        message: `The app has no form "${customersKey}"`,
        path: 'customers',
      })
    if (!orders)
      issues.push({ code: 'UNKNOWN_FORM', message: `The app has no form "${ordersKey}"`, path: 'orders' })
    if (!customers || !orders) return issues

    const expect = (key: string, path: string, ok: (type: string) => boolean, what: string) => {
      const field = fieldOf(orders, key)
      if (!field)
        issues.push({ code: 'UNKNOWN_FIELD', message: `Form ${orders.key} has no field "${key}"`, path })
      else if (!ok(field.type))
        issues.push({
          code: 'WRONG_FIELD_TYPE',
          message: `${key} must be ${what}, it is ${field.type}`,
          path,
        })
      return field
    }
    const relation = expect(config.customer ?? 'customer', 'customer', (t) => t === 'relation', 'a relation')
    const target = (relation as { relation?: { form?: string } } | undefined)?.relation?.form
    if (relation?.type === 'relation' && target !== customers.key)
      issues.push({
        code: 'WRONG_FIELD_TYPE',
        message: `${relation.key} relates to ${target}, not ${customers.key}`,
        path: 'customer',
      })
    expect(config.date ?? 'ordered_on', 'date', (t) => dateTypes.has(t), 'a date or datetime')
    expect(config.amount ?? 'amount', 'amount', (t) => amountTypes.has(t), 'a number or currency')
    if (config.where !== undefined) issues.push(...ctx.checkExpression(config.where, 'where', orders))

    for (const [role, key] of Object.entries(config.fields)) {
      const path = `fields.${role}`
      const writable = checkWritableField(customers, key, path)
      if (writable.length) {
        issues.push(...writable)
        continue
      }
      const type = fieldOf(customers, key)!.type
      const wanted = role === 'segment' ? type === 'select' || type === 'text' : scoreTypes.has(type)
      if (!wanted)
        issues.push({
          code: 'WRONG_FIELD_TYPE',
          message: `${key} receives ${role === 'segment' ? 'a segment (select or text)' : 'a score 1–5 (number)'}, it is ${type}`,
          path,
        })
    }
    return issues
  },
  plan(config) {
    return { kind: 'score_rfm', config }
  },
}
