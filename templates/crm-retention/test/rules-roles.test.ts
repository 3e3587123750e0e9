import { validateApp } from '@trellis/form-engine'
import { validateRules } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { crmRetentionApp } from '../src/index.js'

describe('the CRM template rules and roles', () => {
  const app = crmRetentionApp()

  it('every rule passes the rule engine validation against the app', () => {
    expect(validateRules(app.rules, app)).toEqual([])
    expect(app.rules!.length).toBeGreaterThanOrEqual(6)
  })

  it('every marketing message asks for the consent of its channel', () => {
    type Action = { type: string; channel?: string; marketing?: boolean; consentField?: string }
    const notifies = (app.rules as Array<{ key: string; actions: Action[] }>).flatMap((rule) =>
      rule.actions.filter((a) => a.type === 'notify').map((a) => ({ rule: rule.key, ...a })),
    )
    for (const notify of notifies.filter((n) => n.marketing)) {
      expect(notify.consentField, notify.rule).toBe(`consent_${String(notify.channel)}`)
    }
  })

  it('names every rule and role in Chinese and English', () => {
    for (const rule of app.rules as Array<{ key: string; name: Record<string, string> }>) {
      expect(rule.name['zh-CN'] && rule.name.en, rule.key).toBeTruthy()
    }
    for (const role of app.roles!) expect(role.label['zh-CN'] && role.label.en, role.key).toBeTruthy()
  })

  it('has the four roles of the issue and finance (quote approval), whose permissions the app validation accepts', () => {
    expect(app.roles!.map((role) => role.key)).toEqual([
      'admin',
      'store_manager',
      'clerk',
      'finance',
      'service_agent',
    ])
    expect(validateApp(app)).toEqual([])
    const clerk = app.roles!.find((role) => role.key === 'clerk')!
    expect(clerk.forms.customers!.actions).not.toContain('export')
    expect(Object.keys(clerk.forms.customers!.maskedWhen!)).toEqual(['phone', 'wechat_id'])
  })
})
