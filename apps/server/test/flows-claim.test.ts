import { beforeAll, expect, it } from 'vitest'
import { approval, setUpQuotes, type Member } from './flows-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

describeEachDatabase('flows: claiming a task from a role queue', (ctx) => {
  const api = useApi(ctx)
  let users: Record<'manager' | 'finance' | 'owner' | 'outsider' | 'regional', Member>
  let second: Member

  const start = async () => {
    const record = await api.call('POST', '/api/apps/fc/forms/quotes/records', {
      values: { title: '报价', amount: 500, owner: '0' },
    })
    expect(record.status, JSON.stringify(record.body)).toBe(201)
    const res = await api.callAs(users.owner.token, 'POST', '/api/apps/fc/flows/approval/instances', {
      form: 'quotes',
      recordId: record.body.id,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }
  const inbox = async (user: Member, instanceId: string) =>
    (await api.callAs(user.token, 'GET', '/api/inbox?app=fc')).body.tasks.filter(
      (t: { instanceId: string }) => t.instanceId === instanceId,
    )
  const claim = (user: Member, taskId: string) => api.callAs(user.token, 'POST', `/api/tasks/${taskId}/claim`)

  beforeAll(async () => {
    users = await setUpQuotes(api, 'fc', [approval])
    second = await api.user({ username: 'fc_manager_2' })
    const put = await api.call('PUT', `/api/apps/fc/members/${second.id}`, { role: 'manager' })
    expect(put.status).toBeLessThan(300)
  })

  it('a member of the role claims the task: it is theirs alone, in the history, and can go back to the queue', async () => {
    const instanceId = await start()
    const [task] = await inbox(users.manager, instanceId)
    expect(task).toMatchObject({ assignee: { kind: 'role', value: 'manager' } })
    expect(await inbox(second, instanceId)).toHaveLength(1)

    // Not in the role: refused, and the task stays in the queue.
    const stranger = await claim(users.finance, task.id)
    expect(stranger.status).toBe(403)
    expect(stranger.body.code).toBe('TASK_NOT_ASSIGNEE')

    const claimed = await claim(second, task.id)
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200)
    expect(claimed.body.tasks[0]).toMatchObject({
      assignee: { kind: 'user', value: second.id },
      status: 'open',
    })
    expect(claimed.body.steps.at(-1)).toMatchObject({
      event: 'task_claimed',
      actor: 'fc_manager_2',
      from: { kind: 'role', value: 'manager' },
      to: { kind: 'user', value: second.id },
    })
    expect(await inbox(users.manager, instanceId)).toEqual([])
    expect(await inbox(second, instanceId)).toHaveLength(1)

    // The other manager may neither take it nor complete it any more; claiming it again is a no-op.
    const late = await claim(users.manager, task.id)
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('TASK_CLAIMED')
    const completeByOther = await api.callAs(users.manager.token, 'POST', `/api/tasks/${task.id}/complete`, {
      outcome: 'approve',
    })
    expect(completeByOther.status).toBe(403)
    expect((await claim(second, task.id)).status).toBe(200)

    // Back to the queue: a reassignment to the role; then the first manager claims and completes it.
    const back = await api.callAs(second.token, 'POST', `/api/tasks/${task.id}/reassign`, {
      to: { kind: 'role', role: 'manager' },
    })
    expect(back.status, JSON.stringify(back.body)).toBe(200)
    expect(await inbox(users.manager, instanceId)).toHaveLength(1)
    expect((await claim(users.manager, task.id)).status).toBe(200)
    const done = await api.callAs(users.manager.token, 'POST', `/api/tasks/${task.id}/complete`, {
      outcome: 'approve',
    })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body.steps.map((s: { event: string }) => s.event)).toEqual([
      'start',
      'task_claimed',
      'task_reassigned',
      'task_claimed',
      'task_completed',
    ])
    const closed = await claim(users.manager, task.id)
    expect(closed.status).toBe(409)
    expect(closed.body.code).toBe('TASK_CLOSED')
  })

  it('two members claiming at once: exactly one gets the task, the other 409 TASK_CLAIMED', async () => {
    const instanceId = await start()
    const [task] = await inbox(users.manager, instanceId)
    const results = await Promise.all([claim(users.manager, task.id), claim(second, task.id)])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    const loser = results.find((r) => r.status === 409)!
    expect(loser.body.code).toBe('TASK_CLAIMED')
    const winner = results[0]!.status === 200 ? users.manager : second
    const [mine] = await inbox(winner, instanceId)
    expect(mine.assignee).toEqual({ kind: 'user', value: winner.id })
    expect(await inbox(winner === second ? users.manager : second, instanceId)).toEqual([])
  })
})
