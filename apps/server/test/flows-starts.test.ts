import type { FlowDefinition } from '@trellis/flow-engine'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { quotesApp, setUpQuotes, type Member } from './flows-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/** Big quotes (over 10,000) go to a manager as soon as they are created. */
const bigQuote: FlowDefinition = {
  key: 'big_quote',
  version: 1,
  nodes: [
    {
      id: 'start',
      kind: 'start',
      config: {
        trigger: {
          kind: 'record_event',
          form: 'quotes',
          event: 'created',
          condition: { '>': [{ var: 'amount' }, 10000] },
        },
      },
    },
    { id: 'approve', kind: 'user_task', config: { assignee: { kind: 'role', role: 'manager' } } },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approve' },
    { id: 'e2', source: 'approve', target: 'end' },
  ],
}

/** A changed amount is checked by finance; its service task writes the quote (no loop: only `amount` listens). */
const amountChanged: FlowDefinition = {
  key: 'amount_changed',
  version: 1,
  nodes: [
    {
      id: 'start',
      kind: 'start',
      config: { trigger: { kind: 'record_event', form: 'quotes', event: 'updated', fields: ['amount'] } },
    },
    {
      id: 'mark',
      kind: 'service_task',
      config: { action: { type: 'set_fields', values: { owner: 'finance-check' } } },
    },
    { id: 'check', kind: 'user_task', config: { assignee: { kind: 'role', role: 'finance' } } },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'mark' },
    { id: 'e2', source: 'mark', target: 'check' },
    { id: 'e3', source: 'check', target: 'end' },
  ],
}

describeEachDatabase('flows: started by record events from the outbox', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2025-06-01T00:00:00Z')
  let users: Record<'manager' | 'finance' | 'owner' | 'outsider' | 'regional', Member>

  const drain = () => api.app.automation.drain()
  const quote = async (values: Record<string, unknown>) => {
    const res = await api.call('POST', '/api/apps/fs/forms/quotes/records', { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string; version: number }
  }
  const instances = async (query: string) =>
    (await api.call('GET', `/api/apps/fs/flow-instances?${query}`)).body.instances as Array<{
      id: string
      flow: string
      status: string
      startedBy: string
      record: { form: string; id: string } | null
      currentNodes: string[]
    }>

  beforeAll(async () => {
    api.app.automation.clock = clock
    api.app.flows.clock = clock
    users = await setUpQuotes(api, 'fs', [bigQuote, amountChanged])
  })

  it('a created record matching the condition starts the flow once, on that record', async () => {
    const big = await quote({ title: '大单', amount: 50000 })
    const small = await quote({ title: '小单', amount: 800 })
    await drain()
    await drain()

    const started = await instances(`flow=big_quote&form=quotes&recordId=${big.id}`)
    expect(started).toHaveLength(1)
    expect(started[0]).toMatchObject({
      status: 'running',
      startedBy: 'event:created',
      record: { form: 'quotes', id: big.id },
      currentNodes: ['approve'],
    })
    expect(await instances(`flow=big_quote&recordId=${small.id}`)).toEqual([])

    const detail = await api.call('GET', `/api/flow-instances/${started[0]!.id}`)
    expect(detail.body.data.record).toMatchObject({ title: '大单', amount: 50000 })
    const inbox = await api.callAs(users.manager.token, 'GET', '/api/inbox?app=fs')
    expect(inbox.body.tasks.map((t: { instanceId: string }) => t.instanceId)).toEqual([started[0]!.id])

    // Each start is in the run log, next to the rules.
    const runs = await api.call('GET', '/api/apps/fs/rule-runs')
    const logged = runs.body.runs.filter((r: { rule: string }) => r.rule === 'flow:big_quote')
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ outcome: 'succeeded', recordId: big.id })
  })

  it('an update starts the flow only when a listed field changed; its service task does not restart it', async () => {
    const q = await quote({ title: '改价', amount: 100 })
    await drain()
    const renamed = await api.call('PATCH', `/api/apps/fs/forms/quotes/records/${q.id}`, {
      version: q.version,
      values: { title: '改名' },
    })
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200)
    await drain()
    expect(await instances(`flow=amount_changed&recordId=${q.id}`)).toEqual([])

    const repriced = await api.call('PATCH', `/api/apps/fs/forms/quotes/records/${q.id}`, {
      version: renamed.body.version,
      values: { amount: 20000 },
    })
    expect(repriced.status, JSON.stringify(repriced.body)).toBe(200)
    await drain()
    await drain()
    const started = await instances(`flow=amount_changed&recordId=${q.id}`)
    expect(started).toHaveLength(1)
    expect(started[0]).toMatchObject({ currentNodes: ['check'], status: 'running' })
    // The service task wrote the quote (an `updated` event without `amount`): no second instance.
    const record = await api.call('GET', `/api/apps/fs/forms/quotes/records/${q.id}`)
    expect(record.body.values ?? record.body).toMatchObject({ owner: 'finance-check', amount: 20000 })
  })

  it('an event delivered again (processed mark lost) starts no second instance', async () => {
    const q = await quote({ title: '重放', amount: 90000 })
    await drain()
    expect(await instances(`flow=big_quote&recordId=${q.id}`)).toHaveLength(1)
    await sql`update trellis.outbox set processed_at = null
      where payload->>'form' = 'quotes' and payload->>'id' = ${q.id}`.execute(ctx.database.db as never)
    await drain()
    expect(await instances(`flow=big_quote&recordId=${q.id}`)).toHaveLength(1)
  })

  it('a start condition that is not JsonLogic blocks the publish with its path', async () => {
    const broken = structuredClone(bigQuote)
    broken.key = 'broken'
    ;(broken.nodes[0]!.config as { trigger: { condition: unknown } }).trigger.condition = { nope: [1] }
    const app = quotesApp('fs2', [broken])
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    const published = await api.call('POST', '/api/apps/fs2/publish', {})
    expect(published.status).toBe(422)
    expect(published.body).toMatchObject({
      code: 'FLOW_INVALID',
      path: 'flows.0.nodes.start.config.trigger.condition',
    })
  })
})
