import { describe, expect, it } from 'vitest'
import {
  anchorWindow,
  conditionHolds,
  dateOccurrencesBetween,
  matchesRecordEvent,
  nextCronRun,
  nextDateOccurrence,
  planActions,
  recordEventInput,
  renderTemplate,
  validateRule,
  validateRules,
  type Rule,
  type RuleAppView,
} from '../src/index.js'

const app: RuleAppView = {
  forms: [
    {
      key: 'customers',
      fields: [
        { key: 'name', type: 'text' },
        { key: 'phone', type: 'phone' },
        { key: 'tier', type: 'select' },
        { key: 'tags', type: 'tags' },
        { key: 'consent', type: 'multi_select' },
        { key: 'birthday', type: 'date' },
        { key: 'points', type: 'number' },
        { key: 'total_spent', type: 'rollup', rollup: { aggregate: 'sum' } },
        { key: 'last_order', type: 'rollup', rollup: { aggregate: 'max' } },
      ],
    },
    {
      key: 'coupons',
      fields: [
        { key: 'customer', type: 'relation' },
        { key: 'code', type: 'text' },
        { key: 'amount', type: 'number' },
      ],
    },
  ],
}

const ms = (iso: string) => Date.parse(iso)
const tz = 'Asia/Shanghai'

describe('validateRule', () => {
  it('accepts a VIP upgrade rule', () => {
    const rule: Rule = {
      key: 'vip_upgrade',
      trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['total_spent'] },
      condition: {
        and: [{ '>=': [{ var: 'total_spent' }, 5000] }, { '!=': [{ var: '$before.tier' }, 'vip'] }],
      },
      actions: [
        { type: 'set_fields', values: { tier: 'vip', points: { '+': [{ var: 'points' }, 100] } } },
        { type: 'add_tags', field: 'tags', tags: ['vip'] },
      ],
    }
    expect(validateRule(rule, app)).toEqual([])
  })

  it('reports every problem with its path', () => {
    const issues = validateRule(
      {
        key: 'Bad Key',
        trigger: { kind: 'date', form: 'customers', field: 'name', amount: 3 },
        condition: { no_such_op: [1] },
        actions: [
          { type: 'set_fields', values: { total_spent: 1, nope: 2 } },
          { type: 'add_tags', field: 'tier', tags: ['x'] },
          { type: 'notify', channel: 'fax', to: { var: 'phone' }, body: { 'zh-CN': 'hi' } },
          {
            type: 'notify',
            channel: 'sms',
            to: { var: 'phone' },
            body: { 'zh-CN': '{{nobody}}' },
            marketing: true,
          },
          { type: 'create_record', form: 'ghosts', values: {} },
          { type: 'launch_rocket' },
        ],
      },
      app,
    )
    const paths = issues.map((i) => `${i.code}@${i.path}`)
    expect(paths).toEqual(
      expect.arrayContaining([
        'BAD_KEY@key',
        'NOT_A_DATE_FIELD@trigger.field',
        'FIELD_READ_ONLY@actions.0.values.total_spent',
        'UNKNOWN_FIELD@actions.0.values.nope',
        'NOT_A_TAGS_FIELD@actions.1.field',
        'INVALID@actions.2.channel',
        'UNKNOWN_VARIABLE@actions.3.body.zh-CN',
        'CONSENT_FIELD_REQUIRED@actions.3.consentField',
        'UNKNOWN_FORM@actions.4.form',
        'UNKNOWN_ACTION@actions.5.type',
      ]),
    )
    expect(paths.some((p) => p.startsWith('UNKNOWN_OPERATOR@condition') || p.includes('@condition'))).toBe(
      true,
    )
  })

  it('checks cron, time zones and actions that need a record', () => {
    const issues = validateRule(
      {
        key: 'nightly',
        trigger: { kind: 'cron', cron: '61 * * * *' },
        actions: [{ type: 'add_tags', field: 'tags', tags: ['a'] }],
      },
      app,
    )
    expect(issues.map((i) => i.path)).toEqual(['trigger.cron', 'actions.0.type'])
    const zone = validateRule(
      {
        key: 'nightly',
        trigger: { kind: 'cron', cron: '0 9 * * *', timeZone: 'Mars/Olympus' },
        actions: [{ type: 'notify', channel: 'email', to: 'a@b.c', body: { 'zh-CN': 'x' } }],
      },
      app,
    )
    expect(zone).toEqual([expect.objectContaining({ code: 'BAD_TIME_ZONE', path: 'trigger.timeZone' })])
  })

  it('refuses record changes on a rule that only listens to deletions', () => {
    const issues = validateRule(
      {
        key: 'gone',
        trigger: { kind: 'record', form: 'customers', on: ['deleted'] },
        actions: [
          { type: 'notify', channel: 'email', to: 'a@b.c', body: { 'zh-CN': '{{name}} 已删除' } },
          { type: 'add_tags', field: 'tags', tags: ['x'] },
        ],
      },
      app,
    )
    expect(issues).toEqual([expect.objectContaining({ code: 'RECORD_DELETED', path: 'actions.1.type' })])
  })

  it('finds duplicate keys across an app', () => {
    const rule = {
      key: 'a',
      trigger: { kind: 'manual', form: 'customers' },
      actions: [{ type: 'add_tags', field: 'tags', tags: ['x'] }],
    }
    expect(validateRules([rule, rule], app)).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_RULE_KEY', path: 'rules.1.key' }),
    ])
  })
})

describe('record triggers', () => {
  const trigger = { kind: 'record' as const, form: 'customers', on: ['updated' as const], fields: ['tier'] }
  it('fires only when a listed field changed', () => {
    expect(matchesRecordEvent(trigger, { form: 'customers', kind: 'updated', changed: ['name'] })).toBe(false)
    expect(
      matchesRecordEvent(trigger, { form: 'customers', kind: 'updated', changed: ['name', 'tier'] }),
    ).toBe(true)
    expect(matchesRecordEvent(trigger, { form: 'customers', kind: 'created' })).toBe(false)
    expect(matchesRecordEvent(trigger, { form: 'orders', kind: 'updated', changed: ['tier'] })).toBe(false)
  })
  it('gives the condition the before and after values', () => {
    const input = recordEventInput({
      form: 'customers',
      kind: 'updated',
      before: { tier: 'normal' },
      after: { tier: 'vip' },
      changed: ['tier'],
    })
    const rule = {
      key: 'r',
      trigger,
      actions: [],
      condition: { and: [{ '==': [{ var: '$before.tier' }, 'normal'] }, { '==': [{ var: 'tier' }, 'vip'] }] },
    }
    expect(conditionHolds(rule, input.data, input.context)).toBe(true)
    expect(conditionHolds(rule, { tier: 'normal' }, input.context)).toBe(false)
  })
})

describe('date-relative triggers', () => {
  const weekAfter = {
    kind: 'date' as const,
    form: 'orders',
    field: 'ordered_at',
    amount: 7,
    unit: 'days' as const,
  }
  it('fires 7 days after a purchase once, at the same wall time across a DST change', () => {
    const ny = 'America/New_York'
    // 2025-03-09 is the spring-forward day in New York: 10:00 EST before, 10:00 EDT a week later.
    const anchor = '2025-03-05T15:00:00Z'
    const next = nextDateOccurrence(weekAfter, anchor, ms('2025-03-05T15:00:00Z'), ny)!
    expect(new Date(next.dueMs).toISOString()).toBe('2025-03-12T14:00:00.000Z')
    // Consecutive windows that cover the due time find it exactly once, however the clock jumped.
    const cuts = [
      ms('2025-03-01T00:00:00Z'),
      ms('2025-03-09T06:30:00Z'),
      ms('2025-03-12T14:00:00Z'),
      ms('2025-04-01T00:00:00Z'),
    ]
    const found = cuts
      .slice(1)
      .flatMap((to, i) => dateOccurrencesBetween(weekAfter, anchor, cuts[i]!, to, ny))
    expect(found).toHaveLength(1)
  })

  it('yearly birthdays: 3 days before, at 09:00 Shanghai time; 29 February on the 28th in common years', () => {
    const birthday = { kind: 'date' as const, form: 'customers', field: 'birthday', amount: -3, yearly: true }
    const next = nextDateOccurrence(birthday, '1990-06-15', ms('2025-01-01T00:00:00Z'), tz)!
    expect(next).toEqual({ occurrence: '2025-06-15', dueMs: ms('2025-06-12T01:00:00Z') })
    const leap = { ...birthday, amount: 0 }
    expect(nextDateOccurrence(leap, '2000-02-29', ms('2025-01-01T00:00:00Z'), tz)!.occurrence).toBe(
      '2025-02-28',
    )
    expect(nextDateOccurrence(leap, '2000-02-29', ms('2028-01-01T00:00:00Z'), tz)!.occurrence).toBe(
      '2028-02-29',
    )
    const w = anchorWindow(leap, ms('2025-02-27T02:00:00Z'), ms('2025-02-28T02:00:00Z'), tz, 'date')
    expect(w).toEqual({ kind: 'month_days', days: ['02-28', '02-29'] })
  })

  it('re-arms when the anchor moves (a new last purchase)', () => {
    const dormant = { kind: 'date' as const, form: 'customers', field: 'last_order', amount: 90 }
    const a = nextDateOccurrence(dormant, '2025-01-01', 0, tz)!
    const b = nextDateOccurrence(dormant, '2025-02-01', 0, tz)!
    expect(a.occurrence).not.toBe(b.occurrence)
    expect(b.dueMs - a.dueMs).toBe(31 * 86_400_000)
  })

  it('turns a time window into the exact range of anchor days', () => {
    const dormant = { kind: 'date' as const, form: 'customers', field: 'last_order', amount: 90 }
    // 09:00 Shanghai = 01:00 UTC; anchors due in (Apr 10 00:00Z, Apr 12 00:00Z] are Jan 10 and Jan 11.
    expect(anchorWindow(dormant, ms('2025-04-10T00:00:00Z'), ms('2025-04-12T00:00:00Z'), tz, 'date')).toEqual(
      {
        kind: 'days',
        from: '2025-01-10',
        to: '2025-01-11',
      },
    )
    expect(anchorWindow(dormant, ms('2025-04-10T02:00:00Z'), ms('2025-04-10T03:00:00Z'), tz, 'date')).toEqual(
      { kind: 'none' },
    )
  })
})

describe('cron triggers', () => {
  it('computes the next tick in Asia/Shanghai by default', () => {
    expect(new Date(nextCronRun('0 9 * * 1', ms('2025-06-01T00:00:00Z'))!).toISOString()).toBe(
      '2025-06-02T01:00:00.000Z',
    )
    expect(
      new Date(nextCronRun('0 9 * * *', ms('2025-06-01T00:00:00Z'), 'Europe/London')!).toISOString(),
    ).toBe('2025-06-01T08:00:00.000Z')
  })
})

describe('planActions', () => {
  const record = {
    id: '7',
    name: '王芳',
    phone: '+8613800000000',
    tier: 'normal',
    tags: ['new'],
    points: 10,
    consent: ['sms'],
  }
  it('plans in order, later actions seeing earlier changes', () => {
    const plan = planActions(
      {
        key: 'r',
        trigger: { kind: 'manual', form: 'customers' },
        actions: [
          { type: 'set_fields', values: { tier: 'vip', points: { '+': [{ var: 'points' }, 100] } } },
          { type: 'add_tags', field: 'tags', tags: ['vip', 'new'] },
          { type: 'remove_tags', field: 'tags', tags: ['new'] },
          {
            type: 'notify',
            channel: 'sms',
            to: { var: 'phone' },
            body: { 'zh-CN': '{{name}}，您已升级为{{tier}}，积分{{points}}', en: 'Hi {{name}}' },
            locale: 'en',
          },
          {
            type: 'create_record',
            form: 'coupons',
            values: { customer: { var: 'id' }, amount: 20 },
            codes: { code: { prefix: 'CP', length: 8 } },
          },
        ],
      },
      record,
    )
    expect(plan.map((p) => p.effect)).toEqual([
      { kind: 'update_record', values: { tier: 'vip', points: 110 } },
      { kind: 'update_record', values: { tags: ['new', 'vip'] } },
      { kind: 'update_record', values: { tags: ['vip'] } },
      {
        kind: 'message',
        channel: 'sms',
        to: '+8613800000000',
        body: 'Hi 王芳',
        locale: 'en',
        marketing: false,
      },
      {
        kind: 'create_record',
        form: 'coupons',
        values: { customer: '7', amount: 20 },
        codes: { code: { prefix: 'CP', length: 8 } },
      },
    ])
  })

  it('skips marketing messages without consent for the channel', () => {
    const rule = (channel: string): Rule => ({
      key: 'promo',
      trigger: { kind: 'manual', form: 'customers' },
      actions: [
        {
          type: 'notify',
          channel,
          to: 'x',
          body: { 'zh-CN': '促销' },
          marketing: true,
          consentField: 'consent',
        },
      ],
    })
    expect(planActions(rule('sms'), record)[0]!.effect.kind).toBe('message')
    expect(planActions(rule('wechat'), record)[0]!.effect).toEqual(
      expect.objectContaining({ kind: 'skip', reason: 'NO_CONSENT' }),
    )
  })

  it('renders templates as text only', () => {
    expect(
      renderTemplate('{{ name }} {{constructor}} {{a.b}} {{missing}}', { name: 'x', a: { b: [1, 2] } }),
    ).toBe('x  1, 2 ')
  })
})

describe('start_flow', () => {
  const withFlows: RuleAppView = {
    ...app,
    flows: [
      { key: 'review', nodes: [{ kind: 'start', config: { trigger: { kind: 'manual' } } }] },
      { key: 'only_vip', nodes: [{ kind: 'start', config: { trigger: { kind: 'rule', rule: 'vip' } } }] },
    ],
  }
  const rule = (key: string, action: Record<string, unknown>) =>
    ({ key, trigger: { kind: 'manual', form: 'customers' }, actions: [action] }) as unknown as Rule

  it('names a flow of the app, reserved flows only for their rule', () => {
    expect(validateRule(rule('r', { type: 'start_flow', flow: 'review' }), withFlows)).toEqual([])
    expect(validateRule(rule('r', { type: 'start_flow', flow: 'nope' }), withFlows)).toEqual([
      { code: 'UNKNOWN_FLOW', message: 'The app has no flow "nope"', path: 'actions.0.flow' },
    ])
    expect(validateRule(rule('r', { type: 'start_flow', flow: 'only_vip' }), withFlows)[0]).toMatchObject({
      code: 'FLOW_NOT_STARTABLE',
      path: 'actions.0.flow',
    })
    expect(validateRule(rule('vip', { type: 'start_flow', flow: 'only_vip' }), withFlows)).toEqual([])
  })

  it('plans the start with its variables evaluated on the record', () => {
    const plan = planActions(
      rule('r', { type: 'start_flow', flow: 'review', variables: { who: { var: 'name' }, n: 1 } }),
      { name: '王芳' },
    )
    expect(plan).toEqual([
      {
        index: 0,
        type: 'start_flow',
        effect: { kind: 'start_flow', flow: 'review', variables: { who: '王芳', n: 1 } },
      },
    ])
  })
})
