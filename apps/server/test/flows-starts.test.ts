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

/** Started only by the rule `escalate_big`: a manager reviews the quote. */
const managerReview: FlowDefinition = {
  key: 'manager_review',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'rule', rule: 'escalate_big' } } },
    { id: 'review', kind: 'user_task', config: { assignee: { kind: 'role', role: 'manager' } } },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'review' },
    { id: 'e2', source: 'review', target: 'end' },
  ],
}

/** Any rule may start it. */
const callBack: FlowDefinition = {
  ...managerReview,
  key: 'call_back',
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'rule' } } },
    ...managerReview.nodes.slice(1),
  ],
}

const startRules = [
  {
    key: 'escalate_big',
    trigger: { kind: 'record', form: 'quotes', on: ['updated'], fields: ['amount'] },
    condition: { '>': [{ var: 'amount' }, 100000] },
    actions: [
      { type: 'set_fields', values: { owner: 'vp' } },
      { type: 'start_flow', flow: 'manager_review', variables: { reason: 'big', amount: { var: 'amount' } } },
    ],
  },
  {
    key: 'call_now',
    trigger: { kind: 'manual', form: 'quotes' },
    actions: [{ type: 'start_flow', flow: 'call_back' }],
  },
]

describeEachDatabase('flows: started by a rule (start_flow)', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2025-06-01T00:00:00Z')
  const drain = () => api.app.automation.drain()
  const instances = async (query: string) =>
    (await api.call('GET', `/api/apps/fr/flow-instances?${query}`)).body.instances as Array<{
      id: string
      startedBy: string
      record: { form: string; id: string } | null
      currentNodes: string[]
    }>

  beforeAll(async () => {
    api.app.automation.clock = clock
    api.app.flows.clock = clock
    const app = { ...quotesApp('fr', [managerReview, callBack]), rules: startRules }
    const created = await api.call('POST', '/api/apps', app)
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const published = await api.call('POST', '/api/apps/fr/publish', {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
  })

  it('a record rule starts the flow on its record once, after its own field changes', async () => {
    const created = await api.call('POST', '/api/apps/fr/forms/quotes/records', {
      values: { title: '大单', amount: 500 },
    })
    const id = created.body.id as string
    await drain()
    const patched = await api.call('PATCH', `/api/apps/fr/forms/quotes/records/${id}`, {
      version: created.body.version,
      values: { amount: 250000 },
    })
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)
    await drain()
    await drain()

    const started = await instances(`flow=manager_review&recordId=${id}`)
    expect(started).toHaveLength(1)
    expect(started[0]).toMatchObject({
      startedBy: 'rule:escalate_big',
      record: { form: 'quotes', id },
      currentNodes: ['review'],
    })
    const detail = await api.call('GET', `/api/flow-instances/${started[0]!.id}`)
    expect(detail.body.data.vars).toEqual({ reason: 'big', amount: 250000 })
    expect(detail.body.data.record).toMatchObject({ owner: 'vp', amount: 250000 })

    const runs = await api.call('GET', '/api/apps/fr/rule-runs?rule=escalate_big')
    expect(runs.body.runs[0].effects[1]).toMatchObject({
      type: 'start_flow',
      flow: 'manager_review',
      instanceId: started[0]!.id,
      started: true,
    })
  })

  it('a manual run (a job) starts the flow once per record', async () => {
    const created = await api.call('POST', '/api/apps/fr/forms/quotes/records', {
      values: { title: '回访', amount: 10 },
    })
    const id = created.body.id as string
    await drain()
    const run = await api.call('POST', '/api/apps/fr/rules/call_now/run', { recordId: id })
    expect(run.status, JSON.stringify(run.body)).toBeLessThan(300)
    await drain()
    await drain()
    const started = await instances(`flow=call_back&recordId=${id}`)
    expect(started).toHaveLength(1)
    expect(started[0]).toMatchObject({ startedBy: 'rule:call_now', currentNodes: ['review'] })
  })

  it('start_flow is in the catalog and is validated: unknown flow, or a flow reserved for another rule', async () => {
    const catalog = await api.call('GET', '/api/rules/catalog')
    expect(JSON.stringify(catalog.body)).toContain('start_flow')

    const unknown = await api.call('PUT', '/api/apps/fr/draft/rules/bad_flow', {
      trigger: { kind: 'manual', form: 'quotes' },
      actions: [
        { type: 'set_fields', values: { owner: 'x' } },
        { type: 'start_flow', flow: 'nope' },
      ],
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({ code: 'RULE_INVALID', path: 'actions.1.flow' })

    const reserved = await api.call('PUT', '/api/apps/fr/draft/rules/other', {
      trigger: { kind: 'manual', form: 'quotes' },
      actions: [{ type: 'start_flow', flow: 'manager_review' }],
    })
    expect(reserved.status).toBe(400)
    expect(reserved.body).toMatchObject({ code: 'RULE_INVALID', path: 'actions.0.flow' })

    const badVariable = await api.call('PUT', '/api/apps/fr/draft/rules/bad_var', {
      trigger: { kind: 'manual', form: 'quotes' },
      actions: [{ type: 'start_flow', flow: 'call_back', variables: { x: { nope: [] } } }],
    })
    expect(badVariable.status).toBe(400)
    expect(badVariable.body.path).toMatch(/^actions\.0\.variables\.x/)
  })
})
