import type { FormAction, FormPermission, JsonLogic, RoleDef } from '@trellis/form-engine'

/** What a role sees of one field: the lists of FormPermission, as one choice per field. */
export type FieldRule = 'visible' | 'hidden' | 'readOnly' | 'masked' | 'maskedWhen'

export type RolesEdit =
  | { type: 'add'; label: Record<string, string> }
  | { type: 'remove'; role: string }
  | { type: 'set-key'; role: string; next: string }
  | { type: 'set-label'; role: string; lang: string; text: string }
  | { type: 'set-action'; role: string; form: string; action: FormAction; on: boolean }
  | { type: 'set-all-actions'; role: string; form: string; actions: FormAction[] }
  | { type: 'set-scope'; role: string; form: string; scope: JsonLogic | undefined }
  | { type: 'set-field-rule'; role: string; form: string; field: string; rule: FieldRule }
  | { type: 'set-masked-when'; role: string; form: string; field: string; condition: JsonLogic | undefined }

export const FIELD_RULES: readonly FieldRule[] = ['visible', 'hidden', 'readOnly', 'masked', 'maskedWhen']
const LISTS = ['hidden', 'readOnly', 'masked'] as const

export function fieldRule(permission: FormPermission | undefined, field: string): FieldRule {
  if (!permission) return 'visible'
  for (const list of LISTS) if (permission[list]?.includes(field)) return list
  if (permission.maskedWhen && Object.hasOwn(permission.maskedWhen, field)) return 'maskedWhen'
  return 'visible'
}

/** A key not used by any role yet: `role_1`, `role_2`, … */
export function freeRoleKey(roles: readonly RoleDef[]): string {
  const used = new Set(roles.map((role) => role.key))
  for (let i = 1; ; i++) if (!used.has(`role_${i}`)) return `role_${i}`
}

/** Empty lists and maps are left out, so an untouched permission stays `{ actions }`. */
function tidy(permission: FormPermission): FormPermission {
  const next: FormPermission = { ...permission }
  for (const list of LISTS) if (next[list]?.length === 0) delete next[list]
  if (next.maskedWhen && Object.keys(next.maskedWhen).length === 0) delete next.maskedWhen
  if (next.scope === undefined) delete next.scope
  return next
}

function withoutField(permission: FormPermission, field: string): FormPermission {
  const next: FormPermission = { ...permission }
  for (const list of LISTS) if (next[list]) next[list] = next[list].filter((key) => key !== field)
  if (next.maskedWhen) {
    const rest = { ...next.maskedWhen }
    delete rest[field]
    next.maskedWhen = rest
  }
  return next
}

function editPermission(
  roles: readonly RoleDef[],
  roleKey: string,
  form: string,
  fn: (permission: FormPermission) => FormPermission,
): RoleDef[] {
  return roles.map((role) => {
    if (role.key !== roleKey) return role
    const current = role.forms[form] ?? { actions: [] }
    return { ...role, forms: { ...role.forms, [form]: tidy(fn(current)) } }
  })
}

const ACTION_ORDER: readonly FormAction[] = ['read', 'create', 'update', 'delete', 'export', 'import']

export function editRoles(roles: readonly RoleDef[], edit: RolesEdit): RoleDef[] {
  switch (edit.type) {
    case 'add':
      return [...roles, { key: freeRoleKey(roles), label: edit.label, forms: {} }]
    case 'remove':
      return roles.filter((role) => role.key !== edit.role)
    case 'set-key':
      if (edit.next !== edit.role && roles.some((role) => role.key === edit.next)) return [...roles]
      return roles.map((role) => (role.key === edit.role ? { ...role, key: edit.next } : role))
    case 'set-label':
      return roles.map((role) =>
        role.key === edit.role ? { ...role, label: { ...role.label, [edit.lang]: edit.text } } : role,
      )
    case 'set-action':
      return editPermission(roles, edit.role, edit.form, (permission) => {
        const actions = new Set(permission.actions)
        if (edit.on) actions.add(edit.action)
        else actions.delete(edit.action)
        // Every other action works on records the role can read, so giving one gives read too.
        if (edit.on && edit.action !== 'read') actions.add('read')
        if (!edit.on && edit.action === 'read') actions.clear()
        return { ...permission, actions: ACTION_ORDER.filter((action) => actions.has(action)) }
      })
    case 'set-all-actions':
      return editPermission(roles, edit.role, edit.form, (permission) => ({
        ...permission,
        actions: ACTION_ORDER.filter((action) => edit.actions.includes(action)),
      }))
    case 'set-scope':
      return editPermission(roles, edit.role, edit.form, (permission) => ({
        ...permission,
        scope: edit.scope,
      }))
    case 'set-field-rule':
      return editPermission(roles, edit.role, edit.form, (permission) => {
        const previous = fieldRule(permission, edit.field)
        if (previous === edit.rule) return permission
        const next = withoutField(permission, edit.field)
        if (edit.rule === 'visible') return next
        if (edit.rule === 'maskedWhen')
          // A starting condition the builder shows as a row: "masked when the field is not empty".
          return {
            ...next,
            maskedWhen: { ...next.maskedWhen, [edit.field]: { '!': { is_empty: [{ var: edit.field }] } } },
          }
        return { ...next, [edit.rule]: [...(next[edit.rule] ?? []), edit.field] }
      })
    case 'set-masked-when':
      return editPermission(roles, edit.role, edit.form, (permission) => {
        const next = withoutField(permission, edit.field)
        if (edit.condition === undefined) return next
        return { ...next, maskedWhen: { ...next.maskedWhen, [edit.field]: edit.condition } }
      })
  }
}

/** Undo grouping: typing in one box is one step. */
export function rolesEditGroup(edit: RolesEdit): string | undefined {
  if (edit.type === 'set-label') return `role:${edit.role}:label:${edit.lang}`
  if (edit.type === 'set-key') return 'role-key'
  return undefined
}
