import type { Rule, RuleIssue } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import i18n from '../src/i18n'
import { issueText } from '../src/rules/rule-issues'
import { editRules } from '../src/rules/rules-edit'

/**
 * The designer has no editor for a rule's `each` (nor its `aggregates`): it keeps them through every edit of the
 * rule, and shows their problems in words, placed under "each record".
 */
const crossSell = {
  key: 'cross_sell',
  trigger: { kind: 'cron', cron: '0 11 * * *', form: 'customers' },
  each: { form: 'product_pairs', filter: { '==': [{ var: 'enabled' }, true] }, as: 'pair' },
  condition: { '==': [{ var: 'favourite' }, { var: '$pair.product' }] },
  actions: [
    { type: 'notify', channel: 'wechat', to: { var: 'wechat' }, body: { 'zh-CN': '{{$pair.name}}' } },
  ],
} as Rule

describe('rules with each', () => {
  it('keeps each through edits of the name, trigger, condition and actions', () => {
    let rules = editRules([crossSell], {
      type: 'set-name',
      key: 'cross_sell',
      lang: 'zh-CN',
      text: '交叉销售',
    })
    rules = editRules(rules, { type: 'patch-trigger', key: 'cross_sell', patch: { cron: '0 12 * * *' } })
    rules = editRules(rules, { type: 'set-condition', key: 'cross_sell', condition: true })
    rules = editRules(rules, { type: 'patch-action', key: 'cross_sell', index: 0, patch: { channel: 'sms' } })
    expect(rules[0]!.each).toEqual(crossSell.each)
    expect(JSON.parse(JSON.stringify(rules[0]))).toMatchObject({ each: crossSell.each, condition: true })
  })

  it('names each problem in Chinese and English', async () => {
    const issues: RuleIssue[] = [
      { code: 'EACH_NEEDS_SCHEDULE', message: 'x', path: 'each' },
      { code: 'EACH_NAME_TAKEN', message: 'x', path: 'each.as' },
      { code: 'UNKNOWN_EACH_FIELD', message: 'x', path: 'condition.==.1.var' },
    ]
    const rule = { ...crossSell, each: { ...crossSell.each!, as: 'today' } }
    await i18n.changeLanguage('zh-CN')
    expect(issues.map((issue) => issueText(issue, rule, i18n.t))).toEqual([
      { place: '逐条运行', message: '“逐条运行”只能用于按计划处理表单记录的规则（定时触发并选择表单）' },
      {
        place: '逐条运行',
        message: '规则中已有名为 today 的变量（before、after、changed、now、user、today 或某个聚合）',
      },
      { place: '条件', message: '$pair.product 读取的字段在“逐条运行”的表单中不存在' },
    ])
    await i18n.changeLanguage('en')
    expect(issueText(issues[1]!, rule, i18n.t)).toEqual({
      place: 'Each record',
      message:
        'The rule already has a variable called today (before, after, changed, now, user, today or an aggregate)',
    })
  })
})
