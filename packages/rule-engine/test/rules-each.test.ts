import { describe, expect, it } from 'vitest'
import {
  bindContextReads,
  planActions,
  renderTemplate,
  validateRule,
  type Rule,
  type RuleAppView,
} from '../src/index.js'

const app: RuleAppView = {
  forms: [
    {
      key: 'customers',
      fields: [
        { key: 'name', type: 'text' },
        { key: 'wechat', type: 'text' },
        { key: 'favourite', type: 'relation' },
      ],
    },
    {
      key: 'pairs',
      fields: [
        { key: 'product', type: 'relation' },
        { key: 'recommend', type: 'relation' },
        { key: 'recommend_name', type: 'text' },
        { key: 'days', type: 'number' },
        { key: 'enabled', type: 'boolean' },
      ],
    },
    { key: 'old_pairs', archived: true, fields: [] },
  ],
}

const rule = (patch: Record<string, unknown> = {}): Rule =>
  ({
    key: 'cross_sell',
    trigger: { kind: 'cron', cron: '0 11 * * *', form: 'customers' },
    each: { form: 'pairs', filter: { '==': [{ var: 'enabled' }, true] }, as: 'pair' },
    condition: { '==': [{ var: 'favourite' }, { var: '$pair.product' }] },
    actions: [
      {
        type: 'notify',
        channel: 'wechat',
        to: { var: 'wechat' },
        body: {
          'zh-CN': '{{name}}，试试{{$pair.recommend_name}}',
          en: '{{name}}, try {{$pair.recommend_name}}',
        },
      },
    ],
    ...patch,
  }) as Rule

const issues = (r: unknown) => validateRule(r, app).map((i) => `${i.code}@${i.path}`)

describe('each: a rule run once per record of another form', () => {
  it('accepts a schedule over a form, each record bound as $pair in the condition and the templates', () => {
    expect(validateRule(rule(), app)).toEqual([])
  })

  it('refuses an unknown or archived form, a bad filter and a malformed each', () => {
    expect(issues(rule({ each: { form: 'nope', as: 'pair' } }))).toEqual(['UNKNOWN_FORM@each.form'])
    expect(issues(rule({ each: { form: 'old_pairs', as: 'pair' } }))).toEqual(['UNKNOWN_FORM@each.form'])
    expect(issues(rule({ each: { form: 'pairs', as: 'pair', filter: { nope: [1] } } }))).toEqual([
      'unknown_operator@each.filter',
    ])
    expect(issues(rule({ each: { form: 'pairs' } }))).toContain('REQUIRED@each.as')
    expect(issues(rule({ each: { form: 'pairs', as: 'pair', where: true } }))).toEqual([
      'UNKNOWN_OPTION@each.where',
    ])
  })

  it('refuses a name that hides a context variable or an aggregate, or is not a name', () => {
    // (The templates' `$pair` reads then read a variable the rule does not have.)
    for (const name of ['before', 'now', 'user', 'today', 'changed'])
      expect(issues(rule({ each: { form: 'pairs', as: name }, condition: true }))).toContain(
        'EACH_NAME_TAKEN@each.as',
      )
    const aggregates = { pair: { form: 'x', via: 'y', values: { n: { agg: 'count' } } } }
    expect(issues(rule({ aggregates }))).toContain('EACH_NAME_TAKEN@each.as')
    expect(issues(rule({ each: { form: 'pairs', as: 'Pair' }, condition: true }))).toContain(
      'BAD_EACH_NAME@each.as',
    )
  })

  it('refuses each on record, date and manual triggers and on a schedule without a form', () => {
    const triggers = [
      { kind: 'record', form: 'customers', on: ['created'] },
      { kind: 'manual', form: 'customers' },
      { kind: 'cron', cron: '0 11 * * *' },
    ]
    for (const trigger of triggers) expect(issues(rule({ trigger }))).toContain('EACH_NEEDS_SCHEDULE@each')
  })

  it('refuses reads of fields the each form does not have, in the condition, aggregates and templates', () => {
    expect(issues(rule({ condition: { '==': [{ var: 'favourite' }, { var: '$pair.nope' }] } }))).toEqual([
      'UNKNOWN_EACH_FIELD@condition.==.1.var',
    ])
    const aggregates = {
      bought: {
        form: 'x',
        via: 'y',
        filter: { '==': [{ var: 'product' }, { var: '$pair.sku' }] },
        values: {},
      },
    }
    expect(issues(rule({ aggregates }))).toEqual(['UNKNOWN_EACH_FIELD@aggregates.bought.filter.==.1.var'])
    const actions = [
      { type: 'notify', channel: 'wechat', to: { var: 'wechat' }, body: { 'zh-CN': '{{$pair.title}}' } },
    ]
    expect(issues(rule({ actions }))).toEqual(['UNKNOWN_VARIABLE@actions.0.body.zh-CN'])
    // A context variable the rule does not have at all.
    const other = [
      { type: 'notify', channel: 'wechat', to: { var: 'wechat' }, body: { 'zh-CN': '{{$deal.x}}' } },
    ]
    expect(issues(rule({ actions: other }))).toEqual(['UNKNOWN_VARIABLE@actions.0.body.zh-CN'])
  })

  it('renders {{$name.x}} from the context and {{x}} from the record', () => {
    const text = '{{name}} + {{$pair.recommend_name}} ({{$pair.days}} 天){{$pair.nope}}'
    expect(
      renderTemplate(text, { name: '王', $pair: 'not me' }, { pair: { recommend_name: '可颂', days: 3 } }),
    ).toBe('王 + 可颂 (3 天)')
    const plan = planActions(rule(), { name: '王', wechat: 'wx_w' }, { pair: { recommend_name: '鲜牛奶' } })
    expect(plan[0]!.effect).toMatchObject({ kind: 'message', to: 'wx_w', body: '王，试试鲜牛奶' })
  })

  it('substitutes $pair reads as literals, leaving other reads and object values alone', () => {
    const logic = {
      and: [
        { '==': [{ var: 'product' }, { var: '$pair.product' }] },
        { '>=': [{ var: 'n' }, { var: ['$pair.days', 3] }] },
        { in: [{ var: 'tag' }, { var: '$pair.tags' }] },
        { '==': [{ var: '$pair.meta' }, { var: '$before.x' }] },
        { '==': [{ var: '$pairs.product' }, { var: '$pair.nope' }] },
      ],
    }
    const pair = { product: '42', tags: ['a', 'b'], meta: { a: 1 } }
    expect(bindContextReads(logic, 'pair', pair)).toEqual({
      and: [
        { '==': [{ var: 'product' }, '42'] },
        { '>=': [{ var: 'n' }, 3] },
        { in: [{ var: 'tag' }, ['a', 'b']] },
        { '==': [{ var: '$pair.meta' }, { var: '$before.x' }] },
        { '==': [{ var: '$pairs.product' }, null] },
      ],
    })
  })
})
