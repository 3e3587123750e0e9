import { describe, it, expect } from 'vitest'
import { FormEngineError, planColumns } from '../src/index.js'
import { crmApp, customers, orders } from './crm-app.js'

describe('planColumns for a CRM customers form', () => {
  const plan = planColumns(customers, { app: crmApp })
  const column = (name: string) => plan.columns.find((spec) => spec.column === name)

  it('names the table after the form and starts with the system columns', () => {
    expect(plan.table).toBe('customers')
    expect(plan.columns.slice(0, 7).map((spec) => [spec.column, spec.sqlType, spec.notNull])).toEqual([
      ['id', 'bigint', true],
      ['created_at', 'timestamptz', true],
      ['updated_at', 'timestamptz', true],
      ['created_by', 'text', false],
      ['updated_by', 'text', false],
      ['version', 'integer', true],
      ['deleted_at', 'timestamptz', false],
    ])
    expect(column('id')).toMatchObject({ primaryKey: true, identity: true, system: true })
  })

  it('gives every field a typed, nullable column', () => {
    expect(
      Object.fromEntries(
        plan.columns.filter((spec) => !spec.system).map((spec) => [spec.column, spec.sqlType]),
      ),
    ).toEqual({
      code: 'text',
      name: 'text',
      phone: 'text',
      email: 'text',
      birthday: 'date',
      level: 'text',
      tags: 'text[]',
      store: 'bigint',
      credit: 'numeric(20, 2)',
      status: 'text',
      lost_reason: 'text',
      vip_since: 'date',
      order_count: 'integer',
      total_spent: 'numeric',
      last_order_at: 'timestamptz',
      display_name: 'text',
    })
    // name is required, but a required field must never make old rows invalid at the database level
    expect(plan.columns.filter((spec) => spec.notNull && !spec.system)).toEqual([])
  })

  it('indexes relations, unique fields and auto numbers', () => {
    expect(column('store')).toMatchObject({
      indexed: true,
      unique: false,
      indexName: 'customers_store_idx',
      references: { form: 'stores', onDelete: 'restrict' },
    })
    expect(column('phone')).toMatchObject({ indexed: true, unique: true, indexName: 'customers_phone_key' })
    expect(column('code')).toMatchObject({ indexed: true, unique: true })
    expect(column('tags')).toMatchObject({ indexed: false, unique: false })
  })

  it('takes a min/max rollup type from the child field, and says so when it cannot', () => {
    expect(planColumns(orders).columns.find((spec) => spec.column === 'net')?.sqlType).toBe('numeric(20, 2)')
    expect(() => planColumns(customers)).toThrow(FormEngineError)
    try {
      planColumns(customers)
    } catch (error) {
      expect((error as FormEngineError).code).toBe('rollup.needs_app')
    }
  })

  it('keeps archived fields under their archive name', () => {
    const form = {
      ...customers,
      fields: [
        {
          key: 'wechat',
          type: 'text' as const,
          label: { en: 'WeChat' },
          archived: true,
          archivedColumn: '_archived_wechat_1',
        },
      ],
    }
    expect(planColumns(form).columns.at(-1)).toMatchObject({
      field: 'wechat',
      column: '_archived_wechat_1',
      archived: true,
    })
  })
})
