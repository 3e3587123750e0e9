import type { FieldDef } from '@trellis/form-engine'
import { compileCondition, recordEventInput, type RecordEvent } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { conditionFields } from '../src/conditions/field-kinds'
import {
  logicToRows,
  rowsToLogic,
  type ConditionGroup,
  type ConditionRow,
} from '../src/conditions/logic-rows'
import { editRows } from '../src/conditions/rows-edit'
import { summarize } from '../src/conditions/summary'
import i18n from '../src/i18n'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const raw: FieldDef[] = [
  { key: 'phone', type: 'phone', label: label('手机号', 'Phone') },
  {
    key: 'tier',
    type: 'select',
    label: label('等级', 'Tier'),
    options: ['A', 'B'].map((value) => ({ value, label: label(value, value) })),
  },
  { key: 'total_spent', type: 'decimal', label: label('累计消费', 'Total spent') },
  { key: 'last_seen', type: 'datetime', label: label('最近到店', 'Last seen') },
]
const fields = conditionFields(raw)
const update = { recordChange: true }
const v = (name: string) => ({ var: name })

const tierFromBToA = {
  and: [{ '==': [v('$before.tier'), 'B'] }, { '==': [v('$after.tier'), 'A'] }],
}

/** Record-update conditions as people write them (docs/rules.md, the CRM template) and the rows they read as. */
const samples: [unknown, Partial<ConditionRow>[]][] = [
  [{ in: ['phone', v('$changed')] }, [{ field: 'phone', op: 'changed' }]],
  [{ '!': { in: ['tier', v('$changed')] } }, [{ field: 'tier', op: 'not_changed' }]],
  [
    tierFromBToA,
    [
      { field: 'tier', side: 'before', op: 'equals', a: 'B' },
      { field: 'tier', side: 'after', op: 'equals', a: 'A' },
    ],
  ],
  [
    { and: [{ '>=': [v('total_spent'), 5000] }, { '<': [v('$before.total_spent'), 5000] }] },
    [
      { field: 'total_spent', op: 'gte', a: 5000 },
      { field: 'total_spent', side: 'before', op: 'lt', a: 5000 },
    ],
  ],
  [
    { '>': [{ days_since: [v('$before.last_seen')] }, 90] },
    [{ field: 'last_seen', side: 'before', op: 'more_than_days_ago', a: 90 }],
  ],
  [{ is_empty: [v('$before.phone')] }, [{ field: 'phone', side: 'before', op: 'is_empty' }]],
]

const rowsOf = (root: ConditionGroup) =>
  root.items.map((item) => {
    if (item.type !== 'row') throw new Error('expected rows')
    const { id: _id, type: _type, ...rest } = item
    return rest
  })

describe('$before, $after and $changed as builder rows (record updates)', () => {
  it.each(samples.map(([logic, rows]) => [JSON.stringify(logic), logic, rows] as const))(
    'reads %s into rows and writes it back exactly',
    (_, logic, rows) => {
      const root = logicToRows(logic, fields, update)
      expect(root).toBeDefined()
      expect(rowsOf(root!)).toEqual(rows)
      expect(rowsToLogic(root!, fields)).toEqual(logic)
    },
  )

  it.each(samples.map(([logic]) => [JSON.stringify(logic), logic] as const))(
    'leaves %s to raw JSON where the condition does not run on a record update',
    (_, logic) => {
      expect(logicToRows(logic, fields)).toBeUndefined()
    },
  )

  it.each([
    ['a change of a field the form lacks', { in: ['nope', v('$changed')] }],
    ['a side of a field the form lacks', { '==': [v('$before.nope'), 'B'] }],
    ['the whole $before record', { '==': [v('$before'), null] }],
    ["a field's value looked up in $changed", { in: [v('phone'), v('$changed')] }],
    ['$changed compared as a value', { '==': [v('tier'), v('$changed')] }],
  ])('refuses %s (raw JSON)', (_, logic) => {
    expect(logicToRows(logic, fields, update)).toBeUndefined()
  })

  it('builds "tier before = B and after = A" and "phone has changed" from edits', () => {
    let root = logicToRows(undefined, fields, update)!
    root = editRows(root, { type: 'add-row', group: root.id }, fields)
    root = editRows(root, { type: 'add-row', group: root.id }, fields)
    const [first, second] = root.items.map((item) => item.id)
    for (const [id, side, value] of [
      [first!, 'before', 'B'],
      [second!, 'after', 'A'],
    ] as const) {
      root = editRows(root, { type: 'set-field', id, field: 'tier' }, fields)
      root = editRows(root, { type: 'set-side', id, side }, fields)
      root = editRows(root, { type: 'set-value', id, which: 'a', value }, fields)
    }
    expect(rowsToLogic(root, fields)).toEqual(tierFromBToA)

    // The operator and value stay when the side changes back to the record's own value.
    root = editRows(root, { type: 'set-side', id: second!, side: undefined }, fields)
    expect(rowsToLogic(root, fields)).toEqual({ and: [tierFromBToA.and[0], { '==': [v('tier'), 'A'] }] })

    root = editRows(root, { type: 'set-field', id: second!, field: 'phone' }, fields)
    root = editRows(root, { type: 'set-op', id: second!, op: 'changed' }, fields)
    expect(rowsToLogic(root, fields)).toEqual({
      and: [tierFromBToA.and[0], { in: ['phone', v('$changed')] }],
    })
    // "Has changed" names the field: choosing a side turns it into a comparison of that value.
    root = editRows(root, { type: 'set-side', id: second!, side: 'before' }, fields)
    expect(rowsToLogic(root, fields)).toEqual({
      and: [tierFromBToA.and[0], { '==': [v('$before.phone'), ''] }],
    })
  })

  it('means on a record update what the rows say (the rule engine evaluates them)', () => {
    const event = (before: Record<string, unknown>, after: Record<string, unknown>): RecordEvent => ({
      form: 'customers',
      kind: 'updated',
      before,
      after,
      changed: Object.keys(after).filter((key) => before[key] !== after[key]),
    })
    const holds = (logic: unknown, e: RecordEvent) => {
      const { data, context } = recordEventInput(e)
      return compileCondition(logic)(data, context)
    }
    const promoted = event({ tier: 'B', phone: '1' }, { tier: 'A', phone: '1' })
    const demoted = event({ tier: 'A', phone: '1' }, { tier: 'B', phone: '2' })
    expect(holds(tierFromBToA, promoted)).toBe(true)
    expect(holds(tierFromBToA, demoted)).toBe(false)
    const phoneChanged = samples[0]![0]
    expect(holds(phoneChanged, promoted)).toBe(false)
    expect(holds(phoneChanged, demoted)).toBe(true)
  })

  it('summarizes the rows in both languages', () => {
    const zh = summarize(tierFromBToA, fields, i18n.getFixedT('zh-CN'), 'zh-CN', update)
    expect(zh).toBe('等级 变更前 等于 B 且 等级 变更后 等于 A')
    const en = summarize(samples[0]![0], fields, i18n.getFixedT('en'), 'en', update)
    expect(en).toBe('Phone has changed')
  })
})
