import type { JsonLogic } from '../../types.js'
import { renderTemplate, templateVariables } from '../template.js'
import type { RuleFormView, RuleIssue } from '../types.js'
import { channels, fieldOf, type ActionModule, type Channel } from './action.js'

type Localized = { 'zh-CN': string; en?: string }

interface NotifyConfig {
  type: 'notify'
  channel: Channel
  /** Recipient: an expression over the record (`{"var": "phone"}`) or a fixed address. */
  to: JsonLogic
  subject?: Localized
  body: Localized
  /** 'zh-CN' or 'en', or an expression reading the record's language; default zh-CN. */
  locale?: JsonLogic
  /** Marketing messages go only to people whose `consentField` allows the channel. */
  marketing?: boolean
  /** A tags/multi-select field listing consented channels, or a boolean field. */
  consentField?: string
}

const localized = {
  type: 'object',
  required: ['zh-CN'],
  additionalProperties: false,
  properties: {
    'zh-CN': { type: 'string', minLength: 1, maxLength: 4000 },
    en: { type: 'string', maxLength: 4000 },
  },
}

export const notify: ActionModule<NotifyConfig> = {
  type: 'notify',
  needsRecord: false,
  configSchema: {
    type: 'object',
    required: ['type', 'channel', 'to', 'body'],
    additionalProperties: false,
    properties: {
      type: { const: 'notify' },
      channel: { enum: [...channels] },
      to: {},
      subject: localized,
      body: localized,
      locale: {},
      marketing: { type: 'boolean' },
      consentField: { type: 'string', minLength: 1 },
    },
  },
  check(config, ctx) {
    const issues: RuleIssue[] = [...ctx.checkExpression(config.to, 'to')]
    if (config.locale !== undefined) issues.push(...ctx.checkExpression(config.locale, 'locale'))
    for (const [part, text] of [
      ['body', config.body],
      ['subject', config.subject],
    ] as const) {
      for (const [lang, template] of Object.entries(text ?? {}))
        issues.push(...checkVariables(template, ctx.form, `${part}.${lang}`, ctx.contextNames))
    }
    if (config.marketing) {
      if (!config.consentField)
        issues.push({
          code: 'CONSENT_FIELD_REQUIRED',
          message: 'A marketing message needs the field holding consent',
          path: 'consentField',
        })
      else if (ctx.form) {
        const field = fieldOf(ctx.form, config.consentField)
        if (!field)
          issues.push({
            code: 'UNKNOWN_FIELD',
            message: `Form ${ctx.form.key} has no field "${config.consentField}"`,
            path: 'consentField',
          })
        else if (!['tags', 'multi_select', 'boolean'].includes(field.type))
          issues.push({
            code: 'BAD_CONSENT_FIELD',
            message: `Consent must be tags, multi-select or boolean, not ${field.type}`,
            path: 'consentField',
          })
      }
    }
    return issues
  },
  plan(config, input) {
    const to = input.evaluate(config.to, input.record, input.context)
    if (to === null || to === undefined || to === '')
      return { kind: 'skip', reason: 'NO_RECIPIENT', message: `No ${config.channel} recipient on the record` }
    if (config.marketing && !consents(input.record[config.consentField ?? ''], config.channel))
      return { kind: 'skip', reason: 'NO_CONSENT', message: `No consent for ${config.channel} marketing` }
    const wanted =
      config.locale === undefined ? 'zh-CN' : input.evaluate(config.locale, input.record, input.context)
    const locale = wanted === 'en' && config.body.en ? 'en' : 'zh-CN'
    const pick = (text: Localized) => (locale === 'en' ? (text.en ?? text['zh-CN']) : text['zh-CN'])
    return {
      kind: 'message',
      channel: config.channel,
      to: String(to),
      ...(config.subject
        ? { subject: renderTemplate(pick(config.subject), input.record, input.context) }
        : {}),
      body: renderTemplate(pick(config.body), input.record, input.context),
      locale,
      marketing: config.marketing === true,
    }
  },
}

/** Consent is explicit: a boolean true, or the channel listed in a tags/multi-select value. */
function consents(value: unknown, channel: Channel): boolean {
  if (value === true) return true
  return Array.isArray(value) && value.includes(channel)
}

/**
 * Record fields the template reads must exist; `{{$name.x}}` must name a context variable of the rule (its
 * fields are checked where the variable is declared: the `each` form's fields, an aggregate's values).
 */
function checkVariables(
  template: string,
  form: RuleFormView | undefined,
  path: string,
  contextNames: ReadonlySet<string> | undefined,
): RuleIssue[] {
  const known = new Set(['id', 'created_at', 'updated_at', ...(form?.fields.map((f) => f.key) ?? [])])
  const fine = (head: string) =>
    head.startsWith('$') ? !contextNames || contextNames.has(head.slice(1)) : !form || known.has(head)
  return templateVariables(template)
    .filter((v) => !fine(v.split('.')[0]!))
    .map((v) => ({
      code: 'UNKNOWN_VARIABLE',
      message: v.startsWith('$')
        ? `The template reads {{${v}}}, which is not a context variable of this rule`
        : `The template reads {{${v}}}, which form ${form?.key ?? ''} does not have`,
      path,
    }))
}
