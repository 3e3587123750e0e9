import type { RoleDef } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import { editRoles, fieldRule, freeRoleKey, rolesEditGroup } from '../src/roles/roles-edit'

const label = (text: string) => ({ 'zh-CN': text, en: text })
const ownStore = { '==': [{ var: 'store' }, { var: '$user.store' }] }
const clerk: RoleDef = {
  key: 'clerk',
  label: label('Clerk'),
  forms: { customers: { actions: ['read', 'create'], scope: ownStore, masked: ['phone'] } },
}

describe('roles edits', () => {
  it('adds roles with free keys and renames them unless the key is taken', () => {
    let roles = editRoles([clerk], { type: 'add', label: label('New') })
    expect(roles[1]).toEqual({ key: 'role_1', label: label('New'), forms: {} })
    expect(freeRoleKey(roles)).toBe('role_2')
    roles = editRoles(roles, { type: 'set-key', role: 'role_1', next: 'clerk' })
    expect(roles.map((r) => r.key)).toEqual(['clerk', 'role_1'])
    roles = editRoles(roles, { type: 'set-key', role: 'role_1', next: 'manager' })
    roles = editRoles(roles, { type: 'set-label', role: 'manager', lang: 'en', text: 'Manager' })
    expect(roles[1]).toMatchObject({ key: 'manager', label: { 'zh-CN': 'New', en: 'Manager' } })
    expect(editRoles(roles, { type: 'remove', role: 'clerk' }).map((r) => r.key)).toEqual(['manager'])
  })

  it('ticks actions in a fixed order; any action brings read, dropping read drops all', () => {
    let roles = editRoles([clerk], {
      type: 'set-action',
      role: 'clerk',
      form: 'orders',
      action: 'export',
      on: true,
    })
    expect(roles[0]!.forms.orders).toEqual({ actions: ['read', 'export'] })
    roles = editRoles(roles, {
      type: 'set-action',
      role: 'clerk',
      form: 'customers',
      action: 'update',
      on: true,
    })
    expect(roles[0]!.forms.customers!.actions).toEqual(['read', 'create', 'update'])
    roles = editRoles(roles, {
      type: 'set-action',
      role: 'clerk',
      form: 'customers',
      action: 'create',
      on: false,
    })
    expect(roles[0]!.forms.customers!.actions).toEqual(['read', 'update'])
    roles = editRoles(roles, {
      type: 'set-action',
      role: 'clerk',
      form: 'customers',
      action: 'read',
      on: false,
    })
    // The scope and field rules stay, for when read is given back.
    expect(roles[0]!.forms.customers).toEqual({ actions: [], scope: ownStore, masked: ['phone'] })
  })

  it('sets and clears the row scope', () => {
    const scope = { '==': [{ var: 'tier' }, 'S'] }
    let roles = editRoles([clerk], { type: 'set-scope', role: 'clerk', form: 'customers', scope })
    expect(roles[0]!.forms.customers!.scope).toEqual(scope)
    roles = editRoles(roles, { type: 'set-scope', role: 'clerk', form: 'customers', scope: undefined })
    expect(roles[0]!.forms.customers).not.toHaveProperty('scope')
  })

  it('gives each field one rule, moving it between the lists', () => {
    let roles = editRoles([clerk], {
      type: 'set-field-rule',
      role: 'clerk',
      form: 'customers',
      field: 'phone',
      rule: 'hidden',
    })
    expect(roles[0]!.forms.customers).toEqual({
      actions: ['read', 'create'],
      scope: ownStore,
      hidden: ['phone'],
    })
    expect(fieldRule(roles[0]!.forms.customers, 'phone')).toBe('hidden')
    roles = editRoles(roles, {
      type: 'set-field-rule',
      role: 'clerk',
      form: 'customers',
      field: 'tier',
      rule: 'readOnly',
    })
    roles = editRoles(roles, {
      type: 'set-field-rule',
      role: 'clerk',
      form: 'customers',
      field: 'phone',
      rule: 'visible',
    })
    expect(roles[0]!.forms.customers).toEqual({
      actions: ['read', 'create'],
      scope: ownStore,
      readOnly: ['tier'],
    })
    expect(fieldRule(roles[0]!.forms.customers, 'phone')).toBe('visible')
  })

  it('masks a field under a condition, edits the condition, and clearing it makes the field visible', () => {
    let roles = editRoles([clerk], {
      type: 'set-field-rule',
      role: 'clerk',
      form: 'customers',
      field: 'phone',
      rule: 'maskedWhen',
    })
    expect(roles[0]!.forms.customers!.masked).toBeUndefined()
    expect(roles[0]!.forms.customers!.maskedWhen).toEqual({
      phone: { '!': { is_empty: [{ var: 'phone' }] } },
    })
    const sTier = { '==': [{ var: 'tier' }, 'S'] }
    roles = editRoles(roles, {
      type: 'set-masked-when',
      role: 'clerk',
      form: 'customers',
      field: 'phone',
      condition: sTier,
    })
    expect(roles[0]!.forms.customers!.maskedWhen).toEqual({ phone: sTier })
    expect(fieldRule(roles[0]!.forms.customers, 'phone')).toBe('maskedWhen')
    roles = editRoles(roles, {
      type: 'set-masked-when',
      role: 'clerk',
      form: 'customers',
      field: 'phone',
      condition: undefined,
    })
    expect(roles[0]!.forms.customers).toEqual({ actions: ['read', 'create'], scope: ownStore })
  })

  it('groups typing in a label into one undo step', () => {
    expect(rolesEditGroup({ type: 'set-label', role: 'a', lang: 'en', text: 'x' })).toBe('role:a:label:en')
    expect(rolesEditGroup({ type: 'remove', role: 'a' })).toBeUndefined()
  })
})
