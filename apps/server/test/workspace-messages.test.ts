import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { retentionApp } from './rules-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const byStore = { '==': [{ var: 'store' }, { var: '$user.store' }] }

describeEachDatabase('workspace: the message outbox', (ctx) => {
  const api = useApi(ctx)
  const people: Record<string, { id: string; token: string }> = {}
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    const app = retentionApp('mbox', [
      {
        key: 'welcome',
        trigger: { kind: 'record', form: 'customers', on: ['created'] },
        actions: [
          { type: 'notify', channel: 'sms', to: { var: 'phone' }, body: { 'zh-CN': '{{name}}，欢迎' } },
        ],
      },
    ])
    app.roles = [
      {
        key: 'manager',
        label: { en: 'Manager' },
        forms: { customers: { actions: ['read', 'update', 'export'], scope: byStore } },
      },
      { key: 'clerk', label: { en: 'Clerk' }, forms: { customers: { actions: ['read'], scope: byStore } } },
    ]
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/mbox/publish', {})).status).toBe(200)
    for (const name of ['east', 'west']) {
      const store = await api.call('POST', '/api/apps/mbox/forms/stores/records', { values: { name } })
      ids[name] = store.body.id
    }
    for (const [name, store] of [
      ['张三', 'east'],
      ['李四', 'west'],
    ] as const) {
      const customer = await api.call('POST', '/api/apps/mbox/forms/customers/records', {
        values: { name, store: ids[store] },
      })
      ids[name] = customer.body.id
    }
    for (const [name, role, store] of [
      ['mbox_manager', 'manager', 'east'],
      ['mbox_clerk', 'clerk', 'east'],
    ] as const) {
      people[role] = await api.user({ username: name, attributes: { store: ids[store] } })
      await api.call('PUT', `/api/apps/mbox/members/${people[role]!.id}`, { role })
    }
    // The outbox as the rule worker and the dispatcher leave it: stored (no gateway), queued, sent, failed.
    const rows: Array<[string | null, string, string, string | null]> = [
      [ids['张三']!, 'sent', '+8613800000001', null],
      [ids['李四']!, 'failed', '+8613800000002', 'gateway answered 500'],
      [ids['张三']!, 'queued', '+8613800000001', null],
      [null, 'stored', 'ops@example.com', null],
    ]
    for (const [record, status, to, error] of rows)
      await sql`insert into trellis.messages (app_key, rule_key, record_id, channel, recipient, locale, body,
          status, last_error, attempts, created_at)
        values ('mbox', ${record ? 'welcome' : null}, ${record}, ${record ? 'sms' : 'email'}, ${to}, 'zh-CN',
          ${`hello ${status}`}, ${status}, ${error}, ${status === 'failed' ? 5 : 1}, now())`.execute(
        ctx.database.db,
      )
  })

  const list = (token: string | undefined, query = '') =>
    api.callAs(token ?? api.headers.authorization!.slice(7), 'GET', `/api/apps/mbox/messages${query}`)

  it('administrators read every message, newest first, with status counts and filters', async () => {
    const all = await list(undefined)
    expect(all.status, JSON.stringify(all.body)).toBe(200)
    expect(all.body.messages.map((m: { status: string }) => m.status)).toEqual([
      'stored',
      'queued',
      'failed',
      'sent',
    ])
    expect(all.body.counts).toEqual({ stored: 1, queued: 1, failed: 1, sent: 1 })
    expect(all.body.messages[2]).toMatchObject({
      rule: 'welcome',
      form: 'customers',
      recordId: ids['李四'],
      channel: 'sms',
      to: '+8613800000002',
      attempts: 5,
      lastError: 'gateway answered 500',
    })
    expect((await list(undefined, '?status=failed')).body.messages).toHaveLength(1)
    expect((await list(undefined, '?channel=email')).body.messages.map((m: { to: string }) => m.to)).toEqual([
      'ops@example.com',
    ])
    expect((await list(undefined, '?q=0001')).body.messages).toHaveLength(2)
    // Paging: `nextBefore` continues where the page ended.
    const first = await list(undefined, '?limit=3')
    expect(first.body.messages).toHaveLength(3)
    const rest = await list(undefined, `?limit=3&before=${first.body.nextBefore}`)
    expect(rest.body.messages.map((m: { status: string }) => m.status)).toEqual(['sent'])
    expect(rest.body.nextBefore).toBeNull()
  })

  it('a manager sees the messages about the records of their store; a clerk none', async () => {
    const mine = await list(people.manager!.token)
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    expect(
      mine.body.messages.map((m: { status: string; recordId: string }) => [m.status, m.recordId]),
    ).toEqual([
      ['queued', ids['张三']],
      ['sent', ids['张三']],
    ])
    expect(mine.body.counts).toBeUndefined()
    const clerk = await list(people.clerk!.token)
    expect(clerk.status).toBe(403)
    expect(clerk.body.code).toBe('MESSAGES_FORBIDDEN')
    const outsider = await api.user({ username: 'mbox_outsider' })
    expect((await list(outsider.token)).status).toBe(403)
  })

  it('refuses a bad filter before reading', async () => {
    expect((await list(undefined, '?status=lost')).status).toBe(400)
  })
})
