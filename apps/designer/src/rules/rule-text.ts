import type { TFunction } from 'i18next'
import type { AppDefinition } from '@trellis/form-engine'
import type { Rule, Trigger } from '@trellis/rule-engine'
import { localized } from '../i18n'

export function formLabel(app: AppDefinition, key: string | undefined, language: string): string {
  const form = app.forms.find((f) => f.key === key)
  return form ? localized(form.label, language) || form.key : (key ?? '')
}

export function fieldLabel(
  app: AppDefinition,
  formKey: string | undefined,
  key: string,
  language: string,
): string {
  const field = app.forms.find((f) => f.key === formKey)?.fields.find((f) => f.key === key)
  return field ? localized(field.label, language) || key : key
}

/** A rule's name in the current language, else its key. */
export function ruleName(rule: Rule, language: string): string {
  return localized(rule.name, language) || rule.key
}

/** "When a customer is updated (total spent)", "30 days after Last purchase", … */
export function triggerText(
  trigger: Trigger | undefined,
  app: AppDefinition,
  t: TFunction,
  language: string,
): string {
  if (!trigger || typeof trigger !== 'object') return ''
  const form = 'form' in trigger ? formLabel(app, trigger.form, language) : ''
  switch (trigger.kind) {
    case 'record': {
      const on = (trigger.on ?? []).map((event) => t(`rules.trigger.on.${event}`)).join(' / ')
      const fields = (trigger.fields ?? []).map((f) => fieldLabel(app, trigger.form, f, language)).join(', ')
      return fields
        ? t('rules.text.recordFields', { form, on, fields })
        : t('rules.text.record', { form, on })
    }
    case 'date': {
      const field = fieldLabel(app, trigger.form, trigger.field, language)
      const amount = trigger.amount ?? 0
      const unit = t(`rules.trigger.unit.${trigger.unit ?? 'days'}`)
      const base =
        amount === 0
          ? t('rules.text.dateOn', { form, field })
          : t(amount > 0 ? 'rules.text.dateAfter' : 'rules.text.dateBefore', {
              form,
              field,
              amount: Math.abs(amount),
              unit,
            })
      return trigger.yearly ? `${base} ${t('rules.text.yearly')}` : base
    }
    case 'cron':
      return trigger.form
        ? t('rules.text.cronForm', { cron: trigger.cron, form })
        : t('rules.text.cron', { cron: trigger.cron })
    case 'manual':
      return t('rules.text.manual', { form })
    default:
      return ''
  }
}
