import type { AppDefinition, FormSchema } from '@trellis/form-engine'
import type { ActionConfig, Rule, Trigger } from '@trellis/rule-engine'

/**
 * Edits of the app's rules. Rules live in the app definition (`app.rules`), the server's one source of truth
 * (its `/draft/rules` endpoints edit the same stored draft), so the tab edits them in the designer's draft
 * with setSection and the top bar saves and publishes them with everything else.
 */
export type RulesEdit =
  | { type: 'add'; app: AppDefinition; name: Record<string, string> }
  | { type: 'remove'; key: string }
  | { type: 'set-key'; key: string; next: string }
  | { type: 'set-name'; key: string; lang: string; text: string }
  | { type: 'set-enabled'; key: string; enabled: boolean }
  | { type: 'set-trigger-kind'; key: string; kind: Trigger['kind']; app: AppDefinition }
  | { type: 'patch-trigger'; key: string; patch: Record<string, unknown> }
  | { type: 'set-condition'; key: string; condition: unknown }
  | { type: 'add-action'; key: string; action: string; app: AppDefinition }
  | { type: 'patch-action'; key: string; index: number; patch: Record<string, unknown> }
  | { type: 'remove-action'; key: string; index: number }
  | { type: 'move-action'; key: string; index: number; to: number }

const liveForms = (app: AppDefinition): FormSchema[] => app.forms.filter((form) => !form.archived)

/** A key not used by any rule yet: `rule_1`, `rule_2`, … */
export function freeRuleKey(rules: readonly Rule[], base = 'rule'): string {
  const used = new Set(rules.map((rule) => rule.key))
  for (let i = 1; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`
}

/** A trigger of `kind` with the fields it needs filled in from the app (first form, first date field). */
export function defaultTrigger(kind: Trigger['kind'], app: AppDefinition, previous?: Trigger): Trigger {
  const form = (previous && 'form' in previous && previous.form) || liveForms(app)[0]?.key || ''
  switch (kind) {
    case 'record':
      return { kind, form, on: ['created'] }
    case 'date': {
      const fields = liveForms(app).find((f) => f.key === form)?.fields ?? []
      const dateField = fields.find((f) => !f.archived && (f.type === 'date' || f.type === 'datetime'))
      return { kind, form, field: dateField?.key ?? '', amount: 0, unit: 'days' }
    }
    case 'cron':
      return { kind, cron: '0 9 * * *', form }
    case 'manual':
      return { kind, form }
  }
}

/** A new action of `type` with placeholders for what it needs, so its form has something to show. */
export function defaultAction(type: string, app: AppDefinition): ActionConfig {
  switch (type) {
    case 'set_fields':
      return { type, values: {} }
    case 'add_tags':
    case 'remove_tags':
      return { type, field: '', tags: [] }
    case 'create_record':
      return { type, form: liveForms(app)[0]?.key ?? '', values: {} }
    case 'notify':
      return { type, channel: 'in_app', to: null, body: { 'zh-CN': '', en: '' } }
    case 'call_webhook':
      return { type, url: 'https://' }
    case 'start_flow': {
      const flow = (app.flows ?? []).find(
        (f): f is { key: string } => typeof (f as { key?: unknown })?.key === 'string',
      )
      return { type, flow: flow?.key ?? '' }
    }
    case 'score_rfm':
      // The CRM template's names; the JSON editor shows them for a shop whose forms are named otherwise.
      return {
        type,
        customers: 'customers',
        orders: 'orders',
        customer: 'customer',
        date: 'ordered_at',
        amount: 'amount',
        fields: {
          recency: 'rfm_recency',
          frequency: 'rfm_frequency',
          monetary: 'rfm_monetary',
          segment: 'rfm_segment',
        },
      }
    case 'mine_pairs':
      // The CRM template's forms: paid order lines into 商品搭配.
      return {
        type,
        source: 'order_lines',
        basket: 'order',
        item: 'product',
        filter: { '==': [{ var: 'order.status' }, 'paid'] },
        into: 'product_pairs',
      }
    default:
      return { type }
  }
}

/** `patch` with `undefined` meaning "remove this option" (optional settings cleared in the form). */
function applyPatch<T extends object>(target: T, patch: Record<string, unknown>): T {
  const next = { ...target } as Record<string, unknown>
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key]
    else next[key] = value
  }
  return next as unknown as T
}

function editRule(rules: readonly Rule[], key: string, fn: (rule: Rule) => Rule): Rule[] {
  return rules.map((rule) => (rule.key === key ? fn(rule) : rule))
}

export function editRules(rules: readonly Rule[], edit: RulesEdit): Rule[] {
  switch (edit.type) {
    case 'add': {
      const rule: Rule = {
        key: freeRuleKey(rules),
        name: edit.name,
        trigger: defaultTrigger('record', edit.app),
        actions: [],
      }
      return [...rules, rule]
    }
    case 'remove':
      return rules.filter((rule) => rule.key !== edit.key)
    case 'set-key':
      if (edit.next !== edit.key && rules.some((rule) => rule.key === edit.next)) return [...rules]
      return editRule(rules, edit.key, (rule) => ({ ...rule, key: edit.next }))
    case 'set-name':
      return editRule(rules, edit.key, (rule) => ({
        ...rule,
        name: { ...rule.name, [edit.lang]: edit.text },
      }))
    case 'set-enabled':
      return editRule(rules, edit.key, (rule) =>
        applyPatch(rule, { enabled: edit.enabled ? undefined : false }),
      )
    case 'set-trigger-kind':
      return editRule(rules, edit.key, (rule) =>
        rule.trigger.kind === edit.kind
          ? rule
          : { ...rule, trigger: defaultTrigger(edit.kind, edit.app, rule.trigger) },
      )
    case 'patch-trigger':
      return editRule(rules, edit.key, (rule) => {
        const trigger = applyPatch(rule.trigger, edit.patch)
        // Another form: fields named for the old one mean nothing there.
        if ('form' in edit.patch && 'form' in rule.trigger && edit.patch.form !== rule.trigger.form) {
          if (trigger.kind === 'record') delete trigger.fields
          const next: Rule = { ...rule, trigger }
          delete next.condition
          return next
        }
        return { ...rule, trigger }
      })
    case 'set-condition':
      return editRule(rules, edit.key, (rule) => {
        const next = { ...rule }
        if (edit.condition === undefined) delete next.condition
        else next.condition = edit.condition
        return next
      })
    case 'add-action':
      return editRule(rules, edit.key, (rule) => ({
        ...rule,
        actions: [...rule.actions, defaultAction(edit.action, edit.app)],
      }))
    case 'patch-action':
      return editRule(rules, edit.key, (rule) => ({
        ...rule,
        actions: rule.actions.map((action, i) =>
          i === edit.index ? applyPatch(action, edit.patch) : action,
        ),
      }))
    case 'remove-action':
      return editRule(rules, edit.key, (rule) => ({
        ...rule,
        actions: rule.actions.filter((_, i) => i !== edit.index),
      }))
    case 'move-action':
      return editRule(rules, edit.key, (rule) => {
        if (edit.to < 0 || edit.to >= rule.actions.length) return rule
        const actions = [...rule.actions]
        const [moved] = actions.splice(edit.index, 1)
        actions.splice(edit.to, 0, moved!)
        return { ...rule, actions }
      })
  }
}

/** Undo grouping: keystrokes in one text box of one rule make one undo step. */
export function editGroup(edit: RulesEdit): string | undefined {
  switch (edit.type) {
    case 'set-name':
      return `rule:${edit.key}:name:${edit.lang}`
    case 'patch-trigger':
      return `rule:${edit.key}:trigger:${Object.keys(edit.patch).sort().join(',')}`
    case 'patch-action':
      return `rule:${edit.key}:action:${edit.index}:${Object.keys(edit.patch).sort().join(',')}`
    case 'set-key':
      return 'rule-key'
    default:
      return undefined
  }
}
