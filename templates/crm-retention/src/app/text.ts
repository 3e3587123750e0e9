import type { FieldDef, LocalizedText, SelectOption } from '@trellis/form-engine'

/** zh-CN first, English beside it: every label of the template goes through here. */
export const t = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en })

export const option = (value: string, zh: string, en: string): SelectOption => ({ value, label: t(zh, en) })

/** A field with its label written inline: `field('name', 'text', '姓名', 'Name', { required: true })`. */
export function field(
  key: string,
  type: FieldDef['type'],
  zh: string,
  en: string,
  extra: Omit<FieldDef, 'key' | 'type' | 'label'> = {},
): FieldDef {
  return { key, type, label: t(zh, en), ...extra }
}

export const relation = (
  key: string,
  form: string,
  zh: string,
  en: string,
  extra: Omit<FieldDef, 'key' | 'type' | 'label' | 'relation'> & { onDelete?: 'restrict' | 'set_null' } = {},
): FieldDef => {
  const { onDelete, ...rest } = extra
  return field(key, 'relation', zh, en, { ...rest, relation: { form, ...(onDelete ? { onDelete } : {}) } })
}

/** Only paid orders count towards a customer's history (refunds and cancellations do not). */
export const paidOnly = { '==': [{ var: 'status' }, 'paid'] }
