import type { AppDefinition } from '@trellis/form-engine'
import type { Rule } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { editGroup, editRules, freeRuleKey } from '../src/rules/rules-edit'

const label = (text: string) => ({ 'zh-CN': text, en: text })
const app: AppDefinition = {
  key: 'crm',
  name: label('CRM'),
  forms: [
    {
      key: 'customers',
      label: label('Customers'),
      fields: [
        { key: 'name', type: 'text', label: label('Name') },
        { key: 'birthday', type: 'date', label: label('Birthday') },
        { key: 'tier', type: 'select', label: label('Tier') },
      ],
    },
    { key: 'tasks', label: label('Tasks'), fields: [{ key: 'title', type: 'text', label: label('Title') }] },
  ],
  flows: [{ key: 'win_back' }],
}

const base: Rule = {
  key: 'vip',
  trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['tier'] },
  condition: { '==': [{ var: 'tier' }, 'S'] },
  actions: [{ type: 'add_tags', field: 'tags', tags: ['vip'] }],
}

describe('rules edits', () => {
  it('adds a rule with a free key and a record trigger on the first form', () => {
    const rules = editRules([base], { type: 'add', app, name: label('New') })
    expect(rules).toHaveLength(2)
    expect(rules[1]).toEqual({
      key: 'rule_1',
      name: label('New'),
      trigger: { kind: 'record', form: 'customers', on: ['created'] },
      actions: [],
    })
    expect(freeRuleKey([...rules, { ...base, key: 'rule_2' }])).toBe('rule_3')
  })

  it('switches trigger kinds with their required settings, keeping the form', () => {
    let rules = editRules([base], { type: 'set-trigger-kind', key: 'vip', kind: 'date', app })
    expect(rules[0]!.trigger).toEqual({
      kind: 'date',
      form: 'customers',
      field: 'birthday',
      amount: 0,
      unit: 'days',
    })
    rules = editRules(rules, { type: 'patch-trigger', key: 'vip', patch: { amount: -3, yearly: true } })
    expect(rules[0]!.trigger).toMatchObject({ amount: -3, yearly: true })
    rules = editRules(rules, { type: 'patch-trigger', key: 'vip', patch: { yearly: undefined } })
    expect(rules[0]!.trigger).not.toHaveProperty('yearly')
    rules = editRules(rules, { type: 'set-trigger-kind', key: 'vip', kind: 'cron', app })
    expect(rules[0]!.trigger).toEqual({ kind: 'cron', cron: '0 9 * * *', form: 'customers' })
  })

  it('drops the condition and changed fields when the trigger moves to another form', () => {
    const rules = editRules([base], { type: 'patch-trigger', key: 'vip', patch: { form: 'tasks' } })
    expect(rules[0]!.trigger).toEqual({ kind: 'record', form: 'tasks', on: ['updated'] })
    expect(rules[0]).not.toHaveProperty('condition')
    // The same form again changes nothing else.
    const same = editRules([base], { type: 'patch-trigger', key: 'vip', patch: { form: 'customers' } })
    expect(same[0]!.condition).toEqual(base.condition)
  })

  it('sets and clears the condition', () => {
    const logic = { '>': [{ days_since: [{ var: 'birthday' }] }, 90] }
    let rules = editRules([base], { type: 'set-condition', key: 'vip', condition: logic })
    expect(rules[0]!.condition).toEqual(logic)
    rules = editRules(rules, { type: 'set-condition', key: 'vip', condition: undefined })
    expect(rules[0]).not.toHaveProperty('condition')
  })

  it('adds, configures, moves and removes actions', () => {
    let rules = editRules([base], { type: 'add-action', key: 'vip', action: 'create_record', app })
    rules = editRules(rules, { type: 'add-action', key: 'vip', action: 'start_flow', app })
    expect(rules[0]!.actions.map((a) => a.type)).toEqual(['add_tags', 'create_record', 'start_flow'])
    expect(rules[0]!.actions[1]).toEqual({ type: 'create_record', form: 'customers', values: {} })
    expect(rules[0]!.actions[2]).toEqual({ type: 'start_flow', flow: 'win_back' })
    rules = editRules(rules, {
      type: 'patch-action',
      key: 'vip',
      index: 1,
      patch: { form: 'tasks', values: { title: 'Call back' } },
    })
    rules = editRules(rules, { type: 'move-action', key: 'vip', index: 1, to: 0 })
    expect(rules[0]!.actions[0]).toEqual({
      type: 'create_record',
      form: 'tasks',
      values: { title: 'Call back' },
    })
    // Out of range: nothing moves.
    expect(editRules(rules, { type: 'move-action', key: 'vip', index: 0, to: -1 })[0]!.actions).toEqual(
      rules[0]!.actions,
    )
    rules = editRules(rules, { type: 'remove-action', key: 'vip', index: 0 })
    expect(rules[0]!.actions.map((a) => a.type)).toEqual(['add_tags', 'start_flow'])
  })

  it('renames keys unless taken, names in each language, the default switch, removal', () => {
    const other = { ...base, key: 'other' }
    let rules = editRules([base, other], { type: 'set-key', key: 'vip', next: 'other' })
    expect(rules.map((r) => r.key)).toEqual(['vip', 'other'])
    rules = editRules(rules, { type: 'set-key', key: 'vip', next: 'vip_upgrade' })
    rules = editRules(rules, { type: 'set-name', key: 'vip_upgrade', lang: 'en', text: 'VIP' })
    rules = editRules(rules, { type: 'set-enabled', key: 'vip_upgrade', enabled: false })
    expect(rules[0]).toMatchObject({ key: 'vip_upgrade', name: { en: 'VIP' }, enabled: false })
    rules = editRules(rules, { type: 'set-enabled', key: 'vip_upgrade', enabled: true })
    expect(rules[0]).not.toHaveProperty('enabled')
    expect(editRules(rules, { type: 'remove', key: 'other' }).map((r) => r.key)).toEqual(['vip_upgrade'])
  })

  it('groups keystrokes in one box into one undo step, and clicks into steps of their own', () => {
    expect(editGroup({ type: 'set-name', key: 'a', lang: 'en', text: 'x' })).toBe(
      editGroup({ type: 'set-name', key: 'a', lang: 'en', text: 'xy' }),
    )
    expect(editGroup({ type: 'patch-action', key: 'a', index: 0, patch: { url: 'h' } })).not.toBe(
      editGroup({ type: 'patch-action', key: 'a', index: 1, patch: { url: 'h' } }),
    )
    expect(editGroup({ type: 'add-action', key: 'a', action: 'notify', app })).toBeUndefined()
  })
})
