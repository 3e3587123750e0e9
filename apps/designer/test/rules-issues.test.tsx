// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react'
import { toConditionScope, type AppDefinition } from '@trellis/form-engine'
import { validateRule, type Rule, type RuleIssue } from '@trellis/rule-engine'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import i18n from '../src/i18n'
import { RuleEditor } from '../src/rules/RuleEditor'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const app: AppDefinition = {
  key: 'crm',
  name: label('客户', 'CRM'),
  forms: [
    {
      key: 'customers',
      label: label('客户', 'Customers'),
      fields: [
        { key: 'name', type: 'text', label: label('姓名', 'Name') },
        { key: 'birthday', type: 'date', label: label('生日', 'Birthday') },
        { key: 'tags', type: 'tags', label: label('标签', 'Tags') },
      ],
    },
  ],
}

// A date trigger on a text field, a condition reading a field the form lacks, a tag action on a text field.
const rule: Rule = {
  key: 'greet',
  trigger: { kind: 'date', form: 'customers', field: 'name', amount: 0, unit: 'days' },
  condition: { '==': [{ var: 'ghost' }, 1] },
  actions: [{ type: 'add_tags', field: 'name', tags: ['vip'] }],
}

/** The problems the Rules tab shows, found the way it finds them: the engine's validateRule with SQL scopes. */
function engineIssues(): RuleIssue[] {
  const scopeOf = (formKey: string) => {
    const form = app.forms.find((f) => f.key === formKey)
    return form ? toConditionScope(form, { app }) : undefined
  }
  return validateRule(rule, app, { scopeOf })
}

function show(issues: RuleIssue[]) {
  render(
    <RuleEditor
      appKey="crm"
      app={app}
      rule={rule}
      catalog={undefined}
      issues={issues}
      published={undefined}
      publishedVersion={null}
      apply={() => {}}
    />,
  )
  const list = screen.getByRole('region', { name: i18n.t('rules.issuesTitle') })
  return (code: string) => list.querySelector(`[data-issue="${code}"]`)?.textContent
}

describe('rule problems in the Rules tab', () => {
  beforeEach(async () => {
    await act(() => i18n.changeLanguage('zh-CN'))
  })
  afterEach(cleanup)

  it("shows the engine's problems in Chinese, naming the field each one is about", () => {
    const issues = engineIssues()
    // The engine's codes this rule is expected to raise (its messages are English).
    expect(issues.map((issue) => issue.code).sort()).toEqual([
      'NOT_A_DATE_FIELD',
      'NOT_A_TAGS_FIELD',
      'unknown_field',
    ])
    const text = show(issues)
    expect(text('NOT_A_DATE_FIELD')).toBe('触发条件 字段 name 不是日期、日期时间或日期汇总字段 trigger.field')
    expect(text('unknown_field')).toBe('条件 表单中没有字段 ghost condition.==.0')
    expect(text('NOT_A_TAGS_FIELD')).toBe('第 1 个动作 字段 name 不是标签或多选字段 actions.0.field')
    expect(screen.queryByText(/is not a date/)).toBeNull()
  })

  it('shows them in English after switching, and keeps the engine message for a code it does not know', async () => {
    await act(() => i18n.changeLanguage('en'))
    const future: RuleIssue = { code: 'SOMETHING_NEW', message: 'The engine explains it', path: 'actions.0' }
    const text = show([...engineIssues(), future])
    expect(text('NOT_A_DATE_FIELD')).toBe(
      'Trigger name is not a date, date-time or date rollup field trigger.field',
    )
    expect(text('unknown_field')).toBe('Condition The form has no field ghost condition.==.0')
    expect(text('SOMETHING_NEW')).toBe('Action 1 The engine explains it actions.0')
  })
})
