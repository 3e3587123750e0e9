import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import type { FlowDefinition } from '@trellis/flow-engine'
import { approval, escalating, reminder, review, setUpQuotes, type Member } from './flows-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/** Two timers of one instance due at the same moment, on parallel branches that join before the end. */
const twoTimers: FlowDefinition = {
  key: 'two_timers',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    { id: 'fork', kind: 'parallel_gateway', config: {} },
    { id: 'a', kind: 'timer', config: { timer: { kind: 'duration', duration: 'P1D' } } },
    { id: 'b', kind: 'timer', config: { timer: { kind: 'duration', duration: 'P1D' } } },
    { id: 'join', kind: 'parallel_gateway', config: {} },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'fork' },
    { id: 'e2', source: 'fork', target: 'a' },
    { id: 'e3', source: 'fork', target: 'b' },
    { id: 'e4', source: 'a', target: 'join' },
    { id: 'e5', source: 'b', target: 'join' },
    { id: 'e6', source: 'join', target: 'end' },
  ],
}

describeEachDatabase('flows: instances, inbox, timers', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2025-06-01T00:00:00Z')
  let users: Record<'manager' | 'finance' | 'owner' | 'outsider' | 'regional', Member>

  const quote = async (values: Record<string, unknown>) => {
    const res = await api.call('POST', '/api/apps/fq/forms/quotes/records', { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }
  const start = async (flow: string, recordId: string, as = users.owner.token) => {
    const res = await api.callAs(as, 'POST', `/api/apps/fq/flows/${flow}/instances`, {
      form: 'quotes',
      recordId,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body
  }
  const inbox = async (user: Member) => (await api.callAs(user.token, 'GET', '/api/inbox?app=fq')).body.tasks
  const taskOf = async (user: Member, instanceId: string) => {
    const tasks = (await inbox(user)).filter((t: { instanceId: string }) => t.instanceId === instanceId)
    expect(tasks).toHaveLength(1)
    return tasks[0]
  }
  const complete = (user: Member, taskId: string, body: Record<string, unknown>) =>
    api.callAs(user.token, 'POST', `/api/tasks/${taskId}/complete`, body)

  beforeAll(async () => {
    api.app.flows.clock = clock
    users = await setUpQuotes(api, 'fq', [approval, review, reminder, escalating, twoTimers])
  })

  it('an approval runs start → role task → gateway on the amount → end, with its history', async () => {
    const big = await start('approval', await quote({ title: '大单', amount: 50000, owner: '0' }))
    const small = await start('approval', await quote({ title: '小单', amount: 800, owner: '0' }))
    expect(big).toMatchObject({ status: 'running', currentNodes: ['approve'], record: { form: 'quotes' } })

    const task = await taskOf(users.manager, big.id)
    expect(task).toMatchObject({
      nodeId: 'approve',
      assignee: { kind: 'role', value: 'manager' },
      flow: 'approval',
    })
    expect(await inbox(users.finance)).toEqual([])

    const done = await complete(users.manager, task.id, { outcome: 'approve', comment: '同意' })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body).toMatchObject({ status: 'completed', result: 'big', currentNodes: [] })
    expect(done.body.steps.map((s: { event: string; actor: string }) => [s.event, s.actor])).toEqual([
      ['start', 'fq_owner'],
      ['task_completed', 'fq_manager'],
    ])
    expect(done.body.steps[1]).toMatchObject({
      outcome: 'approve',
      comment: '同意',
      at: '2025-06-01T00:00:00.000Z',
    })
    expect(done.body.tasks[0]).toMatchObject({
      status: 'completed',
      outcome: 'approve',
      completedBy: 'fq_manager',
    })

    const other = await taskOf(users.manager, small.id)
    const smallDone = await complete(users.manager, other.id, { outcome: 'reject', comment: '太少' })
    expect(smallDone.body).toMatchObject({ status: 'completed', result: 'small' })
    expect((await inbox(users.manager)).map((t: { instanceId: string }) => t.instanceId)).not.toContain(
      small.id,
    )

    const listed = await api.call('GET', '/api/apps/fq/flow-instances?flow=approval&status=completed')
    expect(listed.body.instances.map((i: { id: string }) => i.id).sort()).toEqual([big.id, small.id].sort())
  })

  it('only the assignee may complete; a stale or duplicate completion is refused', async () => {
    const instance = await start('approval', await quote({ title: '报价', amount: 10, owner: '0' }))
    const task = await taskOf(users.manager, instance.id)
    for (const user of [users.outsider, users.finance]) {
      const res = await complete(user, task.id, { outcome: 'approve' })
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('TASK_NOT_ASSIGNEE')
    }
    const results = await Promise.all([
      complete(users.manager, task.id, { outcome: 'approve' }),
      complete(users.manager, task.id, { outcome: 'reject' }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    const again = await complete(users.manager, task.id, { outcome: 'approve' })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('TASK_CLOSED')
    const detail = await api.call('GET', `/api/flow-instances/${instance.id}`)
    expect(detail.body.steps.filter((s: { event: string }) => s.event === 'task_completed')).toHaveLength(1)
  })

  it('completions arriving together each answer with their own instance, as a later read shows it', async () => {
    const instances = await Promise.all(
      Array.from({ length: 6 }, async (_, i) =>
        start('approval', await quote({ title: `同时 ${i}`, amount: i % 2 ? 50000 : 10, owner: '0' })),
      ),
    )
    const tasks = await Promise.all(instances.map((i) => taskOf(users.manager, i.id)))
    const answers = await Promise.all([
      ...tasks.map((t) =>
        complete(users.manager, t.id, { outcome: 'approve', comment: `批 ${t.instanceId}` }),
      ),
      // A second completion of the first task at the same time: exactly one of the two wins.
      complete(users.manager, tasks[0].id, { outcome: 'reject' }),
    ])
    const first = [answers[0]!, answers.at(-1)!].map((r) => r.status).sort()
    expect(first).toEqual([200, 409])
    for (const [i, res] of answers.slice(1, -1).entries()) {
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      const instance = instances[i + 1]
      expect(res.body).toMatchObject({ id: instance.id, status: 'completed' })
      expect(res.body.steps.at(-1)).toMatchObject({ event: 'task_completed', comment: `批 ${instance.id}` })
      const read = await api.call('GET', `/api/flow-instances/${instance.id}`)
      expect(read.body).toEqual(res.body)
    }
    const detail = await api.call('GET', `/api/flow-instances/${instances[0].id}`)
    expect(detail.body.status).toBe('completed')
    expect(detail.body.steps.filter((s: { event: string }) => s.event === 'task_completed')).toHaveLength(1)
  })

  it('a parallel review waits for finance (role) and the owner (record field) before it ends', async () => {
    const instance = await start('review', await quote({ title: '评审', amount: 1, owner: users.owner.id }))
    expect([...instance.currentNodes].sort()).toEqual(['finance', 'owner'])
    const ownerTask = await taskOf(users.owner, instance.id)
    expect(ownerTask.assignee).toEqual({ kind: 'user', value: users.owner.id })
    expect(
      (await inbox(users.outsider)).some((t: { instanceId: string }) => t.instanceId === instance.id),
    ).toBe(false)
    const first = await complete(users.owner, ownerTask.id, { outcome: 'approve' })
    expect(first.body).toMatchObject({ status: 'running', currentNodes: ['finance', 'join'] })
    const second = await complete(users.finance, (await taskOf(users.finance, instance.id)).id, {
      outcome: 'approve',
    })
    expect(second.body).toMatchObject({ status: 'completed', currentNodes: [] })
  })

  it('both reviewers approving at the same moment both count, and the review ends once', async () => {
    const instances = await Promise.all(
      Array.from({ length: 4 }, async (_, i) =>
        start('review', await quote({ title: `同时评审 ${i}`, amount: 1, owner: users.owner.id })),
      ),
    )
    const pairs = await Promise.all(
      instances.map(async (i) => [await taskOf(users.owner, i.id), await taskOf(users.finance, i.id)]),
    )
    // Two tasks of one instance completed at once: their writes may meet in one call, where the second
    // must see the first (it is written after it, or retried), never overwrite it.
    const answers = await Promise.all(
      pairs.flatMap(([ownerTask, financeTask]) => [
        complete(users.owner, ownerTask.id, { outcome: 'approve' }),
        complete(users.finance, financeTask.id, { outcome: 'approve' }),
      ]),
    )
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(200)
    for (const instance of instances) {
      const read = await api.call('GET', `/api/flow-instances/${instance.id}`)
      expect(read.body.status).toBe('completed')
      const completed = read.body.steps.filter((s: { event: string }) => s.event === 'task_completed')
      expect(completed).toHaveLength(2)
      expect(read.body.tasks.map((t: { status: string }) => t.status)).toEqual(['completed', 'completed'])
    }
  })

  it('the answer to a start, a completion and a cancel is the instance as a later read shows it', async () => {
    clock.set('2025-09-01T00:00:00Z')
    const read = async (id: string) => (await api.call('GET', `/api/flow-instances/${id}`)).body
    const parallel = await start('review', await quote({ title: '并行', amount: 2, owner: users.owner.id }))
    expect(parallel.tasks).toHaveLength(2)
    expect(parallel).toEqual(await read(parallel.id))
    const first = await complete(users.owner, (await taskOf(users.owner, parallel.id)).id, {
      outcome: 'approve',
    })
    expect(first.body).toEqual(await read(parallel.id))
    const second = await complete(users.finance, (await taskOf(users.finance, parallel.id)).id, {
      outcome: 'approve',
      comment: '可以',
    })
    expect(second.body.status).toBe('completed')
    expect(second.body).toEqual(await read(parallel.id))

    // Completing a task with a due time cancels its timer; an escalated task is cancelled by the timer.
    const due = await start('escalating', await quote({ title: '到期', owner: '0' }))
    const answered = await complete(users.manager, (await taskOf(users.manager, due.id)).id, {
      outcome: 'approve',
    })
    expect(answered.body).toEqual(await read(due.id))
    const cancelled = await start('approval', await quote({ title: '撤回', amount: 1, owner: '0' }))
    const res = await api.callAs(users.owner.token, 'POST', `/api/flow-instances/${cancelled.id}/cancel`, {})
    expect(res.body.tasks[0]).toMatchObject({ status: 'cancelled' })
    expect(res.body).toEqual(await read(cancelled.id))
  })

  it('two timers of one instance due together both fire, for every instance of a batch', async () => {
    clock.set('2025-10-01T00:00:00Z')
    const started = [] as Array<{ id: string }>
    for (const title of ['甲', '乙', '丙'])
      started.push(await start('two_timers', await quote({ title, owner: '0' })))
    expect(started[0]).toMatchObject({ currentNodes: ['a', 'b'] })
    clock.set('2025-10-02T00:00:00Z')
    expect(await api.app.flows.runDueTimers()).toEqual({ fired: 6, refused: 0 })
    for (const { id } of started) {
      const detail = (await api.call('GET', `/api/flow-instances/${id}`)).body
      expect(detail).toMatchObject({ status: 'completed', currentNodes: [] })
      expect(detail.steps.map((s: { event: string }) => s.event)).toEqual([
        'start',
        'timer_fired',
        'timer_fired',
      ])
    }
    expect(await api.app.flows.runDueTimers()).toEqual({ fired: 0, refused: 0 })
  })

  it('a timer fires when the clock passes its due time, once', async () => {
    clock.set('2025-07-01T08:00:00Z')
    const instance = await start('reminder', await quote({ title: '回访', owner: '0' }))
    expect(instance.currentNodes).toEqual(['wait'])
    clock.set('2025-07-04T07:59:59Z')
    expect(await api.app.flows.runDueTimers()).toEqual({ fired: 0, refused: 0 })
    expect(await inbox(users.manager)).not.toContainEqual(
      expect.objectContaining({ instanceId: instance.id }),
    )
    clock.set('2025-07-04T08:00:00Z')
    expect(await api.app.flows.runDueTimers()).toEqual({ fired: 1, refused: 0 })
    expect(await api.app.flows.runDueTimers()).toEqual({ fired: 0, refused: 0 })
    const task = await taskOf(users.manager, instance.id)
    expect(task.nodeId).toBe('call')
    const detail = (await api.call('GET', `/api/flow-instances/${instance.id}`)).body
    expect(detail.steps.map((s: { event: string }) => s.event)).toEqual(['start', 'timer_fired'])
  })

  it('an unanswered task escalates to the regional manager after 15 days', async () => {
    clock.set('2025-08-01T00:00:00Z')
    const late = await start('escalating', await quote({ title: '逾期', owner: '0' }))
    const onTime = await start('escalating', await quote({ title: '按时', owner: '0' }))
    const task = await taskOf(users.manager, late.id)
    expect(task.dueAt).toBe('2025-08-16T00:00:00.000Z')
    const answered = await complete(users.manager, (await taskOf(users.manager, onTime.id)).id, {
      outcome: 'approve',
    })
    expect(answered.body).toMatchObject({ status: 'completed', result: 'approved' })

    clock.set('2025-08-16T00:00:01Z')
    // The answered instance's due timer was cancelled with its task: only one fires.
    expect(await api.app.flows.runDueTimers()).toEqual({ fired: 1, refused: 0 })
    const escalated = await taskOf(users.regional, late.id)
    expect(escalated.nodeId).toBe('regional')
    const old = await complete(users.manager, task.id, { outcome: 'approve' })
    expect(old.status).toBe(409)
    const detail = (await api.call('GET', `/api/flow-instances/${late.id}`)).body
    expect(detail.tasks.find((t: { id: string }) => t.id === task.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'escalated',
    })
    const end = await complete(users.regional, escalated.id, { outcome: 'approve' })
    expect(end.body).toMatchObject({ status: 'completed', result: 'escalated' })
  })

  it('cancel ends a running instance and closes its tasks; non-members cannot read it', async () => {
    const instance = await start('approval', await quote({ title: '取消', amount: 5, owner: '0' }))
    const stranger = await api.user({ username: 'fq_stranger' })
    expect((await api.callAs(stranger.token, 'GET', `/api/flow-instances/${instance.id}`)).status).toBe(403)
    expect(
      (await api.callAs(users.manager.token, 'POST', `/api/flow-instances/${instance.id}/cancel`, {})).status,
    ).toBe(403)
    const cancelled = await api.callAs(
      users.owner.token,
      'POST',
      `/api/flow-instances/${instance.id}/cancel`,
      {
        reason: '客户撤回',
      },
    )
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200)
    expect(cancelled.body.status).toBe('cancelled')
    expect(cancelled.body.tasks[0]).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled' })
    expect((await api.call('POST', `/api/flow-instances/${instance.id}/cancel`, {})).status).toBe(409)
  })
})
