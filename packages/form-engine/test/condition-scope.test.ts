import { describe, it, expect } from 'vitest'
import { reverseRelations, toConditionScope } from '../src/index.js'
import { crmApp, customers, orders } from './crm-app.js'

describe('toConditionScope', () => {
  it('maps fields and system fields to columns and condition types', () => {
    const scope = toConditionScope(customers, { app: crmApp, alias: 'c' })
    // Ids are strings in JSON and bigint in the table: text to conditions, compared on the column.
    expect(scope.fields.id).toEqual({ column: 'c.id', type: 'text', storedAs: 'bigint' })
    expect(scope.fields.updated_at).toEqual({ column: 'c.updated_at', type: 'datetime' })
    expect(scope.fields.deleted_at).toBeUndefined()
    expect(scope.fields.tags).toEqual({ column: 'c.tags', type: 'text_array' })
    expect(scope.fields.credit).toEqual({ column: 'c.credit', type: 'decimal' })
    expect(scope.fields.birthday).toEqual({ column: 'c.birthday', type: 'date' })
    expect(scope.fields.order_count?.type).toBe('number')
    expect(scope.fields.last_order_at?.type).toBe('datetime')
    expect(scope.fields.display_name?.type).toBe('text')
  })

  it('uses bare column names without an alias and leaves archived fields out', () => {
    const form = {
      ...orders,
      fields: orders.fields.map((f) => (f.key === 'paid' ? { ...f, archived: true } : f)),
    }
    const scope = toConditionScope(form)
    expect(scope.fields.amount).toEqual({ column: 'amount', type: 'decimal' })
    expect(scope.fields.quantity).toEqual({ column: 'quantity', type: 'number' })
    expect(scope.fields.paid).toBeUndefined()
  })
})

describe('reverseRelations', () => {
  it('lists the relation fields pointing at a form', () => {
    expect(reverseRelations(crmApp, 'customers')).toEqual([{ form: 'orders', field: 'customer' }])
    expect(reverseRelations(crmApp, 'stores')).toEqual([{ form: 'customers', field: 'store' }])
    expect(reverseRelations(crmApp, 'orders')).toEqual([])
  })
})
