import type { FlowDefinition } from '@trellis/flow-engine'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { setUpQuotes, type Member } from './flows-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/** start → set the title (a rule action) → end; a failing action takes the error edge. */
const stamp = (key: string, values: Record<string, unknown>): FlowDefinition => ({
  key,
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    { id: 'stamp', kind: 'service_task', config: { action: { type: 'set_fields', values } } },
    { id: 'done', kind: 'end', config: { result: 'stamped' } },
    { id: 'broken', kind: 'end', config: { result: 'action_failed' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'stamp' },
    { id: 'e2', source: 'stamp', target: 'done' },
    { id: 'e3', source: 'stamp', target: 'broken', on: 'error' },
  ],
})

/** Two service tasks: the first writes the title, the second fails; its error edge ends the flow. */
const stampThenFail: FlowDefinition = {
  key: 'stamp_then_fail',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'stamp',
      kind: 'service_task',
      config: { action: { type: 'set_fields', values: { title: '先盖章' } } },
    },
    {
      id: 'bad',
      kind: 'service_task',
      config: { action: { type: 'set_fields', values: { amount: 'not a number' } } },
    },
    { id: 'done', kind: 'end', config: { result: 'stamped' } },
    { id: 'broken', kind: 'end', config: { result: 'action_failed' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'stamp' },
    { id: 'e2', source: 'stamp', target: 'bad' },
    { id: 'e3', source: 'bad', target: 'done' },
    { id: 'e4', source: 'bad', target: 'broken', on: 'error' },
  ],
}

const webhook: FlowDefinition = {
  key: 'hook',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'call',
      kind: 'service_task',
      config: { action: { type: 'call_webhook', url: 'https://example.com/hook' } },
    },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'call' },
    { id: 'e2', source: 'call', target: 'end' },
  ],
}

/** A user task whose form is the quotes form: its data is checked and merged into `record`. */
const formTask: FlowDefinition = {
  key: 'form_task',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'price',
      kind: 'user_task',
      config: { assignee: { kind: 'role', role: 'manager' }, form: 'quotes' },
    },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'price' },
    { id: 'e2', source: 'price', target: 'end' },
  ],
}

describeEachDatabase('flows: service tasks through the rules action catalog', (ctx) => {
  const api = useApi(ctx)
  let users: Record<string, Member>

  beforeAll(async () => {
    users = await setUpQuotes(api, 'fa', [
      stamp('stamp', { title: '已盖章' }),
      stamp('bad_stamp', { amount: 'not a number' }),
      stampThenFail,
      webhook,
      formTask,
    ])
  })

  const run = async (flow: string) => {
    const id = (
      await api.call('POST', '/api/apps/fa/forms/quotes/records', { values: { title: '原稿', amount: 3 } })
    ).body.id
    const res = await api.callAs(users.owner!.token, 'POST', `/api/apps/fa/flows/${flow}/instances`, {
      form: 'quotes',
      recordId: id,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return { record: id as string, instance: res.body }
  }

  it('a set_fields service task writes the record in the same transaction and the flow goes on', async () => {
    const { record, instance } = await run('stamp')
    expect(instance).toMatchObject({ status: 'completed', result: 'stamped' })
    expect(instance.steps.map((s: { event: string }) => s.event)).toEqual(['start', 'action_completed'])
    const stored = await api.call('GET', `/api/apps/fa/forms/quotes/records/${record}`)
    expect(stored.body.title).toBe('已盖章')
    const { rows } = await sql<{ state: string }>`select state from trellis.flow_actions
      where instance_id = ${instance.id}`.execute(ctx.database.db)
    expect(rows).toEqual([{ state: 'done' }])
  })

  it('a failing action is rolled back to its savepoint and takes the error edge', async () => {
    const { record, instance } = await run('bad_stamp')
    expect(instance).toMatchObject({ status: 'completed', result: 'action_failed' })
    expect(instance.data.actions.stamp.error).toBeTruthy()
    const stored = await api.call('GET', `/api/apps/fa/forms/quotes/records/${record}`)
    expect(stored.body.amount).toBe(3)
  })

  it('an action failing after another one ran: the first is written once, the failure takes the error edge', async () => {
    const { record, instance } = await run('stamp_then_fail')
    expect(instance).toMatchObject({ status: 'completed', result: 'action_failed' })
    expect(instance.steps.map((s: { event: string }) => s.event)).toEqual([
      'start',
      'action_completed',
      'action_failed',
    ])
    const stored = await api.call('GET', `/api/apps/fa/forms/quotes/records/${record}`)
    // One update of the record (version 1 → 2): the title, and the amount left as it was.
    expect(stored.body).toMatchObject({ title: '先盖章', amount: 3, version: 2 })
    const { rows } = await sql<{ action_key: string; state: string }>`select action_key, state
      from trellis.flow_actions where instance_id = ${instance.id} order by id`.execute(ctx.database.db)
    expect(rows.map((r) => r.state)).toEqual(['done', 'failed'])
  })

  it('a webhook action is left pending (not delivered from a flow yet) and the instance waits', async () => {
    const { instance } = await run('hook')
    expect(instance).toMatchObject({ status: 'running', currentNodes: ['call'] })
    const { rows } = await sql<{ state: string }>`select state from trellis.flow_actions
      where instance_id = ${instance.id}`.execute(ctx.database.db)
    expect(rows).toEqual([{ state: 'pending' }])
  })

  it('starts arriving together each end as a lone start would, a record changed twice included', async () => {
    const create = async () =>
      (await api.call('POST', '/api/apps/fa/forms/quotes/records', { values: { title: '原稿', amount: 3 } }))
        .body.id as string
    const records = await Promise.all(Array.from({ length: 6 }, create))
    const shared = records[0]!
    const starts: Array<[string, string]> = [
      ...records.map((id): [string, string] => ['stamp', id]),
      ['stamp', shared],
      ['bad_stamp', records[1]!],
      ['stamp_then_fail', records[2]!],
      ['hook', records[3]!],
    ]
    const answers = await Promise.all(
      starts.map(([flow, recordId]) =>
        api.callAs(users.owner!.token, 'POST', `/api/apps/fa/flows/${flow}/instances`, {
          form: 'quotes',
          recordId,
        }),
      ),
    )
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(201)
    const bodies = answers.map((r) => r.body)
    expect(new Set(bodies.map((b) => b.id)).size).toBe(starts.length)
    starts.forEach(([flow], i) => {
      const expected =
        flow === 'stamp'
          ? { status: 'completed', result: 'stamped' }
          : flow === 'hook'
            ? { status: 'running', currentNodes: ['call'] }
            : { status: 'completed', result: 'action_failed' }
      expect(bodies[i], flow).toMatchObject(expected)
      expect(bodies[i].steps[0]).toMatchObject({ event: 'start', actor: 'fa_owner' })
    })
    // Each answer is the instance as a later read shows it.
    for (const body of bodies) {
      const read = await api.callAs(users.owner!.token, 'GET', `/api/flow-instances/${body.id}`)
      expect(read.body).toEqual(body)
    }
    // The shared record was written by both of its starts (one version each); the others once, or
    // (the failed action) not at all.
    const version = async (id: string) =>
      (await api.call('GET', `/api/apps/fa/forms/quotes/records/${id}`)).body as Record<string, unknown>
    expect(await version(shared)).toMatchObject({ title: '已盖章', version: 3 })
    expect(await version(records[4]!)).toMatchObject({ title: '已盖章', amount: 3, version: 2 })
    const { rows } = await sql<{ instance_id: string; state: string }>`select instance_id::text, state
      from trellis.flow_actions where instance_id = any(${bodies.map((b) => b.id)}::bigint[])
      order by id`.execute(ctx.database.db)
    const states = (id: string) => rows.filter((r) => r.instance_id === id).map((r) => r.state)
    starts.forEach(([flow], i) => {
      const expected =
        flow === 'stamp'
          ? ['done']
          : flow === 'bad_stamp'
            ? ['failed']
            : flow === 'hook'
              ? ['pending']
              : ['done', 'failed']
      expect(states(bodies[i].id), flow).toEqual(expected)
    })
    // One audit entry per record write.
    const audit = await sql<{ record_id: string; n: number }>`select record_id::text, count(*)::int as n
      from trellis.audit_log where app_key = 'fa' and action = 'update'
        and record_id = any(${records}::text[]) group by record_id`.execute(ctx.database.db)
    const writes = Object.fromEntries(audit.rows.map((r) => [r.record_id, r.n]))
    // records[1]: its failed action wrote nothing; records[2]: the first action of stamp_then_fail too.
    expect(writes).toEqual({
      [shared]: 2,
      [records[1]!]: 1,
      [records[2]!]: 2,
      [records[3]!]: 1,
      [records[4]!]: 1,
      [records[5]!]: 1,
    })
  })

  it("a task's form data is validated by the form engine before the flow moves", async () => {
    const { instance } = await run('form_task')
    const tasks = (await api.callAs(users.manager!.token, 'GET', '/api/inbox?app=fa')).body.tasks
    const task = tasks.find((t: { instanceId: string }) => t.instanceId === instance.id)
    expect(task.form).toBe('quotes')
    const url = `/api/tasks/${task.id}/complete`
    const bad = await api.callAs(users.manager!.token, 'POST', url, {
      outcome: 'approve',
      form: { amount: 'x' },
    })
    expect(bad.status).toBe(422)
    expect(bad.body).toMatchObject({ code: 'TASK_FORM_INVALID', path: 'form.amount' })
    const good = await api.callAs(users.manager!.token, 'POST', url, {
      outcome: 'approve',
      form: { amount: 99 },
    })
    expect(good.status, JSON.stringify(good.body)).toBe(200)
    expect(good.body.status).toBe('completed')
    expect(good.body.data.record.amount).toBe(99)
  })
})
