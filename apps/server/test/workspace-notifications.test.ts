import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { escalating, setUpQuotes, type Member } from './flows-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

describeEachDatabase('workspace: notifications of new, overdue and escalated tasks', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2025-08-01T00:00:00Z')
  let users: Record<'manager' | 'finance' | 'owner' | 'outsider' | 'regional', Member>
  const feed = async (user: Member, query = '') => {
    const res = await api.callAs(user.token, 'GET', `/api/notifications?app=nq${query}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body as { items: Array<Record<string, unknown>>; unread: number; now: string }
  }

  beforeAll(async () => {
    api.app.flows.clock = clock
    users = await setUpQuotes(api, 'nq', [escalating])
  })

  it('a new role task reaches every member of the role; past due it is overdue; escalated it moves on', async () => {
    const quote = await api.call('POST', '/api/apps/nq/forms/quotes/records', {
      values: { title: '年货礼盒' },
    })
    const started = await api.callAs(users.owner.token, 'POST', '/api/apps/nq/flows/escalating/instances', {
      form: 'quotes',
      recordId: quote.body.id,
    })
    expect(started.status, JSON.stringify(started.body)).toBe(201)

    const fresh = await feed(users.manager)
    expect(fresh.items).toEqual([
      expect.objectContaining({
        kind: 'task',
        instanceId: started.body.id,
        flow: 'escalating',
        dueAt: '2025-08-16T00:00:00.000Z',
        at: '2025-08-01T00:00:00.000Z',
        record: { form: 'quotes', id: quote.body.id },
      }),
    ])
    expect(fresh.unread).toBe(1)
    // Seen: nothing newer than the last look is unread; others' roles see nothing.
    expect((await feed(users.manager, `&since=${fresh.now}`)).unread).toBe(0)
    expect((await feed(users.finance)).items).toEqual([])

    clock.set('2025-08-15T23:00:00Z')
    const overdueSoon = await feed(users.manager, `&since=${fresh.now}`)
    expect(overdueSoon.items[0]).toMatchObject({ kind: 'task' })
    // The task is overdue at its due time; the timer loop escalates it a moment later.
    clock.set('2025-08-16T00:00:00Z')
    const overdue = await feed(users.manager, `&since=${fresh.now}`)
    expect(overdue.items[0]).toMatchObject({ kind: 'overdue', at: '2025-08-16T00:00:00.000Z' })
    expect(overdue.unread).toBe(1)

    clock.set('2025-08-16T00:00:01Z')
    expect(await api.app.flows.runDueTimers()).toEqual({ fired: 1, refused: 0 })
    const escalated = await feed(users.manager)
    expect(escalated.items).toEqual([
      expect.objectContaining({ kind: 'escalated', instanceId: started.body.id, flow: 'escalating' }),
    ])
    expect((await feed(users.regional)).items).toEqual([
      expect.objectContaining({ kind: 'task', instanceId: started.body.id }),
    ])

    // A week later the escalation is no longer news.
    clock.set('2025-08-24T00:00:00Z')
    expect((await feed(users.manager)).items).toEqual([])
  })

  it('needs a login', async () => {
    expect((await api.callAs(undefined, 'GET', '/api/notifications')).status).toBe(401)
  })
})
