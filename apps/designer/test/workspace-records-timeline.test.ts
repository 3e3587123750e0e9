import { describe, expect, it } from 'vitest'
import type { RecordJson, Timeline } from '../src/api/records'
import {
  appendRelated,
  followUpForm,
  matches,
  mergeTimeline,
  recordTime,
} from '../src/workspace/customer/timeline'

const rec = (id: string, values: Record<string, unknown> = {}): RecordJson => ({ id, version: 1, ...values })

const timeline: Omit<Timeline, 'record'> = {
  related: [
    {
      form: 'orders',
      via: 'customer',
      sort: '-ordered_at',
      records: [
        rec('7', { ordered_at: '2026-05-03T03:00:00.000Z' }),
        rec('6', { ordered_at: '2026-05-01T03:00:00.000Z' }),
      ],
      nextCursor: 'c1',
      count: 40,
    },
    {
      form: 'tasks',
      via: 'customer',
      sort: '-due_on',
      records: [
        rec('3', { due_on: '2026-05-02', created_at: '2026-04-01T00:00:00.000Z' }),
        rec('4', { created_at: '2026-04-20T00:00:00.000Z' }),
      ],
      nextCursor: null,
      count: 2,
    },
  ],
  messages: [
    {
      id: '1',
      rule: 'birthday_coupon',
      channel: 'sms',
      recipient: '139****5678',
      subject: null,
      body: '生日快乐',
      status: 'stored',
      at: '2026-05-02T09:00:00.000Z',
    },
  ],
  flows: [
    {
      id: '9',
      flow: 'win_back',
      status: 'running',
      startedBy: null,
      at: '2026-04-30T00:00:00.000Z',
      updatedAt: '2026-04-30T00:00:00.000Z',
    },
  ],
  audit: [
    {
      id: '5',
      at: '2026-01-01T00:00:00.000Z',
      actor: 'admin',
      action: 'create',
      changed: [],
      before: null,
      after: {},
    },
  ],
  consents: [],
}

describe('360° timeline', () => {
  it('merges related records, messages, flows and history into one list, newest first', () => {
    const keys = mergeTimeline(timeline).map((item) => item.key)
    expect(keys).toEqual(['orders:7', 'message:1', 'tasks:3', 'orders:6', 'flow:9', 'tasks:4', 'audit:5'])
  })

  it("dates a related record by its section's order field, else by its creation", () => {
    expect(recordTime({ sort: '-ordered_at' }, rec('1', { ordered_at: '2026-01-01T00:00:00Z' }))).toBe(
      '2026-01-01T00:00:00Z',
    )
    expect(recordTime({ sort: '-due_on' }, rec('1', { created_at: '2026-02-02T00:00:00Z' }))).toBe(
      '2026-02-02T00:00:00Z',
    )
    expect(recordTime({ sort: '-id' }, rec('1'))).toBeNull()
  })

  it('filters by form and by kind', () => {
    const items = mergeTimeline(timeline)
    expect(items.filter((i) => matches(i, 'form:tasks')).map((i) => i.key)).toEqual(['tasks:3', 'tasks:4'])
    expect(items.filter((i) => matches(i, 'messages'))).toHaveLength(1)
    expect(items.filter((i) => matches(i, 'history')).map((i) => i.key)).toEqual(['audit:5'])
    expect(items.filter((i) => matches(i, 'all'))).toHaveLength(items.length)
  })

  it('appends a further page of one section without duplicates and keeps its new cursor', () => {
    const next = appendRelated(timeline.related, 'orders', {
      records: [rec('6'), rec('5')],
      nextCursor: null,
    })
    expect(next[0]!.records.map((r) => r.id)).toEqual(['7', '6', '5'])
    expect(next[0]!.nextCursor).toBeNull()
    expect(next[1]).toBe(timeline.related[1])
  })

  it('adds follow-ups to the task form, and only for a viewer who may create tasks', () => {
    const forms = [
      { key: 'orders', access: { actions: ['read', 'create'] } },
      { key: 'tasks', access: { actions: ['read', 'create'] } },
    ]
    expect(followUpForm(timeline.related, forms)).toEqual({ form: forms[1], via: 'customer' })
    expect(
      followUpForm(timeline.related, [forms[0]!, { key: 'tasks', access: { actions: ['read'] } }]),
    ).toBeUndefined()
  })
})
