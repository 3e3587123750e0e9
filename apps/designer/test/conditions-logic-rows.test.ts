import { toConditionScope, type FieldDef } from '@trellis/form-engine'
import { compileCondition, validateCondition } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { conditionFields } from '../src/conditions/field-kinds'
import { logicToRows, rowsToLogic, type ConditionGroup } from '../src/conditions/logic-rows'
import { OPERATORS } from '../src/conditions/operators'
import { editRows, newRow } from '../src/conditions/rows-edit'

const label = (en: string) => ({ 'zh-CN': en, en })
const options = (...values: string[]) => values.map((value) => ({ value, label: label(value) }))
const raw: FieldDef[] = [
  { key: 'name', type: 'text', label: label('Name') },
  { key: 'total_spent', type: 'decimal', label: label('Total spent') },
  { key: 'visits', type: 'number', label: label('Visits') },
  { key: 'birthday', type: 'date', label: label('Birthday') },
  { key: 'last_seen', type: 'datetime', label: label('Last seen') },
  { key: 'tier', type: 'select', label: label('Tier'), options: options('S', 'A', 'B') },
  { key: 'tags', type: 'tags', label: label('Tags'), options: options('vip', 'tea') },
  { key: 'consent', type: 'boolean', label: label('Consent') },
  { key: 'store', type: 'relation', label: label('Store'), relation: { form: 'stores' } },
  {
    key: 'order_count',
    type: 'rollup',
    label: label('Orders'),
    rollup: { form: 'orders', via: 'customer', aggregate: 'count' },
  },
]
const fields = conditionFields(raw)
const v = (key: string) => ({ var: key })

/** One logic per operator and field kind it applies to, as the builder writes it. */
const samples: unknown[] = [
  { '==': [v('name'), 'Ann'] },
  { '!=': [v('store'), { var: '$user.store' }] },
  { '==': [v('store'), { var: '$user.store' }] },
  { contains: [v('name'), '小'] },
  { '!': { contains: [v('name'), 'x'] } },
  { starts_with: [v('name'), '+86'] },
  { ends_with: [v('name'), '.cn'] },
  { '==': [v('tier'), 'S'] },
  { in: [v('tier'), ['S', 'A']] },
  { '!': { in: [v('tier'), ['B']] } },
  { '>': [v('total_spent'), 5000] },
  { '>=': [v('visits'), 2] },
  { '<': [v('order_count'), 1] },
  { '<=': [v('visits'), 3] },
  { '==': [v('visits'), 0] },
  { '!=': [v('visits'), 0] },
  { between: [v('total_spent'), 100, 200] },
  { '==': [{ days_since: [v('last_seen')] }, 0] },
  { between: [{ days_since: [v('last_seen')] }, 0, 30] },
  { '>': [{ days_since: [v('last_seen')] }, 90] },
  { between: [{ date_diff: [{ today: [] }, v('birthday'), 'days'] }, 0, 7] },
  { '<=': [{ days_until_anniversary: [v('birthday')] }, 7] },
  { is_anniversary: [v('birthday')] },
  { '==': [v('birthday'), '2024-02-29'] },
  { '<': [v('birthday'), '2000-01-01'] },
  { '>': [v('birthday'), '2000-01-01'] },
  { '==': [{ start_of: [v('last_seen'), 'day'] }, { start_of: ['2026-11-01', 'day'] }] },
  { '<': [v('last_seen'), { start_of: ['2026-11-01', 'day'] }] },
  { '>=': [v('last_seen'), { start_of: [{ date_add: ['2026-11-01', 1, 'days'] }, 'day'] }] },
  { has_any: [v('tags'), ['vip']] },
  { has_all: [v('tags'), ['vip', 'tea']] },
  { '!': { has_any: [v('tags'), ['tea']] } },
  { '==': [v('consent'), true] },
  { '!=': [v('consent'), true] },
  { is_empty: [v('name')] },
  { '!': { is_empty: [v('tags')] } },
  { '>': [{ days_since: [v('created_at')] }, 1] },
]

describe('logic ↔ rows', () => {
  it.each(samples.map((logic) => [JSON.stringify(logic), logic]))('reads and writes back %s', (_, logic) => {
    const root = logicToRows(logic, fields)
    expect(root).toBeDefined()
    expect(rowsToLogic(root!, fields)).toEqual(logic)
  })

  it('has a sample for every operator', () => {
    const used = new Set(
      samples
        .map((logic) => logicToRows(logic, fields)!.items[0]!)
        .map((row) => row.type === 'row' && row.op),
    )
    for (const op of OPERATORS) expect(used.has(op.key), op.key).toBe(true)
  })

  it('reads nested groups and writes them back unchanged', () => {
    const logic = {
      and: [
        { '>': [{ days_since: [v('last_seen')] }, 90] },
        { or: [{ '==': [v('tier'), 'S'] }, { and: [{ has_any: [v('tags'), ['vip']] }] }] },
      ],
    }
    const root = logicToRows(logic, fields)!
    expect(root.op).toBe('and')
    expect(root.items.map((item) => item.type)).toEqual(['row', 'group'])
    expect(rowsToLogic(root, fields)).toEqual(logic)
    // A top-level group of one item keeps its wrapper too.
    const single = { or: [{ '==': [v('tier'), 'S'] }] }
    expect(rowsToLogic(logicToRows(single, fields)!, fields)).toEqual(single)
  })

  it('treats no condition as an empty group, and an empty group as no condition', () => {
    expect(logicToRows(undefined, fields)!.items).toEqual([])
    expect(rowsToLogic(logicToRows(undefined, fields)!, fields)).toBeUndefined()
  })

  it.each([
    ['an unknown operator', { '==': [{ '+': [v('visits'), 1] }, 2] }],
    ['$before', { '<': [v('$before.total_spent'), 5000] }],
    ['an unknown field', { '==': [v('nope'), 1] }],
    ['a var with a default', { '==': [{ var: ['name', 'x'] }, 'x'] }],
    ['a value of the wrong type', { contains: [v('name'), 3] }],
    ['an operator that does not fit the field', { '>': [v('tags'), 3] }],
    ['a negative day count', { '>': [{ days_since: [v('last_seen')] }, -1] }],
    ['a literal that is not a field', { '==': [1, 1] }],
    ['an empty and', { and: [] }],
    ['a malformed date', { '<': [v('birthday'), '3 March'] }],
  ])('refuses %s (shown as raw JSON)', (_, logic) => {
    expect(logicToRows(logic, fields)).toBeUndefined()
  })
})

describe('editing rows', () => {
  const start = (): ConditionGroup => logicToRows(undefined, fields)!

  it('builds "silent for 90 days and tier S" from clicks', () => {
    const empty = start()
    let root = editRows(empty, { type: 'add-row', group: empty.id }, fields)
    const rowId = root.items[0]!.id
    root = editRows(root, { type: 'set-field', id: rowId, field: 'last_seen' }, fields)
    root = editRows(root, { type: 'set-op', id: rowId, op: 'more_than_days_ago' }, fields)
    root = editRows(root, { type: 'set-value', id: rowId, which: 'a', value: 90 }, fields)
    root = editRows(root, { type: 'add-row', group: root.id }, fields)
    const second = root.items[1]!.id
    root = editRows(root, { type: 'set-field', id: second, field: 'tier' }, fields)
    root = editRows(root, { type: 'set-value', id: second, which: 'a', value: 'S' }, fields)
    expect(rowsToLogic(root, fields)).toEqual({
      and: [{ '>': [{ days_since: [v('last_seen')] }, 90] }, { '==': [v('tier'), 'S'] }],
    })
    root = editRows(root, { type: 'set-group-op', group: root.id, op: 'or' }, fields)
    expect(rowsToLogic(root, fields)).toMatchObject({ or: [{}, {}] })
    root = editRows(root, { type: 'remove', id: rowId }, fields)
    expect(rowsToLogic(root, fields)).toEqual({ '==': [v('tier'), 'S'] })
  })

  it('keeps the value when the operator reads it alike, and resets it otherwise', () => {
    let root = logicToRows({ '>': [v('total_spent'), 100] }, fields)!
    const id = root.items[0]!.id
    root = editRows(root, { type: 'set-op', id, op: 'gte' }, fields)
    expect(rowsToLogic(root, fields)).toEqual({ '>=': [v('total_spent'), 100] })
    root = editRows(root, { type: 'set-field', id, field: 'visits' }, fields)
    expect(rowsToLogic(root, fields)).toEqual({ '>=': [v('visits'), 100] })
    root = editRows(root, { type: 'set-field', id, field: 'tags' }, fields)
    expect(rowsToLogic(root, fields)).toEqual({ has_any: [v('tags'), []] })
    root = editRows(root, { type: 'set-op', id, op: 'is_empty' }, fields)
    expect(rowsToLogic(root, fields)).toEqual({ is_empty: [v('tags')] })
  })

  it('adds nested groups that write nothing until they hold a row', () => {
    let root = start()
    root = editRows(root, { type: 'add-group', group: root.id }, fields)
    const group = root.items[0]!
    expect(group.type).toBe('group')
    root = editRows(root, { type: 'remove', id: (group as ConditionGroup).items[0]!.id }, fields)
    expect(rowsToLogic(root, fields)).toBeUndefined()
  })

  it('offers computed fields by their condition type and skips those it cannot type', () => {
    expect(fields.find((f) => f.field.key === 'order_count')?.kind).toBe('number')
    const maxRollup: FieldDef = {
      key: 'last_order',
      type: 'rollup',
      label: label('Last order'),
      rollup: { form: 'orders', via: 'customer', aggregate: 'max', field: 'at' },
    }
    expect(conditionFields([maxRollup]).map((f) => f.field.key)).toEqual(['id', 'created_at', 'updated_at'])
    expect(newRow(fields).field).toBe('name')
  })
})

describe('what the builder writes, the rule engine accepts', () => {
  const form = { key: 'customers', label: label('Customers'), fields: raw }
  const app = {
    key: 'crm',
    name: label('CRM'),
    forms: [form, { key: 'stores', label: label('Stores'), fields: [] }],
  }
  const scope = { ...toConditionScope(form, { app }), context: { user: { store: '1' } } }

  it.each(samples.map((logic) => [JSON.stringify(logic), logic]))(
    '%s compiles to JS and to SQL',
    (_, logic) => {
      expect(() => compileCondition(logic)).not.toThrow()
      expect(validateCondition(logic, scope)).toEqual([])
    },
  )

  it('means what the rows say about dates', () => {
    const now = new Date('2026-11-23T04:00:00Z') // noon in Shanghai
    const holds = (logic: unknown, record: Record<string, unknown>) =>
      compileCondition(logic)(record, { now, timeZone: 'Asia/Shanghai' })
    const dormant = { '>': [{ days_since: [v('last_seen')] }, 90] }
    expect(holds(dormant, { last_seen: '2026-08-01T02:00:00Z' })).toBe(true)
    expect(holds(dormant, { last_seen: '2026-11-01T02:00:00Z' })).toBe(false)
    const soon = { between: [{ date_diff: [{ today: [] }, v('birthday'), 'days'] }, 0, 7] }
    expect(holds(soon, { birthday: '2026-11-28' })).toBe(true)
    expect(holds(soon, { birthday: '2026-11-22' })).toBe(false)
    const after = { '>=': [v('last_seen'), { start_of: [{ date_add: ['2026-11-01', 1, 'days'] }, 'day'] }] }
    expect(holds(after, { last_seen: '2026-11-01T15:59:59Z' })).toBe(false) // 23:59:59 on 1 Nov, Shanghai
    expect(holds(after, { last_seen: '2026-11-01T16:00:00Z' })).toBe(true)
  })
})
