import type { AppDefinition } from '@trellis/form-engine'
import type { FlowDefinition } from '@trellis/flow-engine'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })

/** Any clerk calls the customer back; the form lets them write `result` only. */
const callBack: FlowDefinition = {
  key: 'call_back',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'call',
      kind: 'user_task',
      config: { assignee: { kind: 'role', role: 'clerk' }, form: 'customers' },
    },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'call' },
    { id: 'e2', source: 'call', target: 'end' },
  ],
}

const shop: AppDefinition = {
  key: 'fa',
  name: label('门店', 'Stores'),
  forms: [
    {
      key: 'customers',
      label: label('客户', 'Customers'),
      fields: [
        { key: 'name', type: 'text', label: label('姓名', 'Name'), required: true },
        { key: 'phone', type: 'phone', label: label('手机', 'Phone') },
        { key: 'store', type: 'text', label: label('门店', 'Store') },
        { key: 'vip_note', type: 'text', label: label('备注', 'VIP note') },
        { key: 'result', type: 'text', label: label('结果', 'Result') },
      ],
    },
  ],
  roles: [
    {
      key: 'clerk',
      label: label('店员', 'Clerk'),
      forms: {
        customers: {
          actions: ['read', 'update'],
          scope: { '==': [{ var: 'store' }, { var: '$user.store' }] },
          hidden: ['vip_note'],
          masked: ['phone'],
          readOnly: ['store'],
        },
      },
    },
  ],
  flows: [callBack],
}

/** A second role of the app: it may not read customers at all. */
const shopWithGuests: AppDefinition = {
  ...shop,
  roles: [...shop.roles!, { key: 'guest', label: label('访客', 'Guest'), forms: {} }],
}

describeEachDatabase('flows: tasks respect the record access of the assignee', (ctx) => {
  const api = useApi(ctx)
  let north: { id: string; token: string }
  let north2: { id: string; token: string }
  let south: { id: string; token: string }
  let northInstance: string
  let southInstance: string

  const customer = async (values: Record<string, unknown>) => {
    const res = await api.call('POST', '/api/apps/fa/forms/customers/records', { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }
  const start = async (recordId: string) => {
    const res = await api.call('POST', '/api/apps/fa/flows/call_back/instances', {
      form: 'customers',
      recordId,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }
  const inbox = async (token: string) => (await api.callAs(token, 'GET', '/api/inbox?app=fa')).body.tasks
  const taskOf = async (instanceId: string) => {
    const detail = await api.call('GET', `/api/flow-instances/${instanceId}`)
    return detail.body.tasks[0].id as string
  }

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', shopWithGuests)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/fa/publish', {})).status).toBe(200)
    north = await api.user({ username: 'fa_north', attributes: { store: 'north' } })
    south = await api.user({ username: 'fa_south', attributes: { store: 'south' } })
    north2 = await api.user({ username: 'fa_north2', attributes: { store: 'north' } })
    for (const user of [north, south, north2])
      expect(
        (await api.call('PUT', `/api/apps/fa/members/${user.id}`, { role: 'clerk' })).status,
      ).toBeLessThan(300)
    northInstance = await start(
      await customer({ name: '北客', phone: '13812348000', store: 'north', vip_note: '大客户' }),
    )
    southInstance = await start(
      await customer({ name: '南客', phone: '13987651234', store: 'south', vip_note: '欠款' }),
    )
  })

  it("the inbox shows only tasks on the clerk's own store's records, masked and without hidden fields", async () => {
    const tasks = await inbox(north.token)
    expect(tasks.map((t: { instanceId: string }) => t.instanceId)).toEqual([northInstance])
    expect(tasks[0].record.values).toMatchObject({ name: '北客', store: 'north', phone: '138****8000' })
    expect(tasks[0].record.values).not.toHaveProperty('vip_note')
    expect(JSON.stringify(tasks)).not.toContain('13812348000')

    const southTasks = await inbox(south.token)
    expect(southTasks.map((t: { instanceId: string }) => t.instanceId)).toEqual([southInstance])
  })

  it("a clerk cannot read, list or complete a task on another store's record", async () => {
    const southTask = await taskOf(southInstance)
    const complete = await api.callAs(north.token, 'POST', `/api/tasks/${southTask}/complete`, {
      outcome: 'approve',
    })
    expect(complete.status).toBe(404)
    expect(complete.body.code).toBe('TASK_NOT_FOUND')

    const detail = await api.callAs(north.token, 'GET', `/api/flow-instances/${southInstance}`)
    expect(detail.status).toBe(404)
    expect(detail.body.code).toBe('FLOW_INSTANCE_NOT_FOUND')

    const listed = await api.callAs(north.token, 'GET', '/api/apps/fa/flow-instances?flow=call_back')
    expect(listed.body.instances.map((i: { id: string }) => i.id)).toEqual([northInstance])

    // The south clerk's task is untouched.
    expect((await api.call('GET', `/api/flow-instances/${southInstance}`)).body.status).toBe('running')
  })

  it('the instance detail shows the clerk the record data as the records API would', async () => {
    const detail = await api.callAs(north.token, 'GET', `/api/flow-instances/${northInstance}`)
    expect(detail.status).toBe(200)
    expect(detail.body.data.record).toMatchObject({ name: '北客', phone: '138****8000' })
    expect(detail.body.data.record).not.toHaveProperty('vip_note')
    const asAdmin = await api.call('GET', `/api/flow-instances/${northInstance}`)
    expect(asAdmin.body.data.record).toMatchObject({ phone: '+8613812348000', vip_note: '大客户' })
  })

  it('task form data may not write a field the clerk may not change; allowed fields go through', async () => {
    const task = await taskOf(northInstance)
    const moved = await api.callAs(north.token, 'POST', `/api/tasks/${task}/complete`, {
      outcome: 'approve',
      form: { store: 'south' },
    })
    expect(moved.status).toBe(403)
    expect(moved.body).toMatchObject({ code: 'FIELD_READ_ONLY', path: 'form.store' })
    const hidden = await api.callAs(north.token, 'POST', `/api/tasks/${task}/complete`, {
      outcome: 'approve',
      form: { vip_note: 'x' },
    })
    expect(hidden.status).toBe(403)
    expect(hidden.body).toMatchObject({ code: 'FIELD_READ_ONLY', path: 'form.vip_note' })

    const done = await api.callAs(north.token, 'POST', `/api/tasks/${task}/complete`, {
      outcome: 'approve',
      form: { result: '已回访' },
    })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body).toMatchObject({ status: 'completed' })
    expect(done.body.data.tasks.call.form).toEqual({ result: '已回访' })
  })

  it('reassign and delegate: by the assignee or an admin, to someone who may see the record, in the history', async () => {
    const instance = await start(await customer({ name: '北二', phone: '13700001111', store: 'north' }))
    const task = await taskOf(instance)
    const reassign = (token: string | undefined, body: unknown) =>
      token
        ? api.callAs(token, 'POST', `/api/tasks/${task}/reassign`, body)
        : api.call('POST', `/api/tasks/${task}/reassign`, body)
    const delegate = (token: string, body: unknown) =>
      api.callAs(token, 'POST', `/api/tasks/${task}/delegate`, body)

    // Another store's clerk does not see the task at all.
    const foreign = await reassign(south.token, { to: { kind: 'user', userId: south.id } })
    expect(foreign.status).toBe(404)
    expect(foreign.body.code).toBe('TASK_NOT_FOUND')
    // Nobody may hand it to someone who could not see its record, or to a role the app lacks.
    const blind = await reassign(undefined, { to: { kind: 'user', userId: south.id } })
    expect(blind.status).toBe(422)
    expect(blind.body).toMatchObject({ code: 'TASK_TARGET_NO_ACCESS', path: 'to.userId' })
    const noRole = await reassign(undefined, { to: { kind: 'role', role: 'boss' } })
    expect(noRole.status).toBe(422)
    expect(noRole.body).toMatchObject({ code: 'TASK_TARGET_INVALID', path: 'to.role' })

    // The admin gives it to one clerk; the other clerks lose it.
    const given = await reassign(undefined, { to: { kind: 'user', userId: north.id }, comment: '老客户' })
    expect(given.status, JSON.stringify(given.body)).toBe(200)
    expect(given.body.tasks[0]).toMatchObject({ assignee: { kind: 'user', value: north.id } })
    const north2Inbox = async () =>
      (await api.callAs(north2.token, 'GET', '/api/inbox?app=fa')).body.tasks.map((t: { id: string }) => t.id)
    expect(await north2Inbox()).not.toContain(task)

    // The assignee delegates; the delegate sees it but may not pass it on; the assignee keeps it.
    const toSouth = await delegate(north.token, { userId: south.id })
    expect(toSouth.status).toBe(422)
    expect(toSouth.body.code).toBe('TASK_TARGET_NO_ACCESS')
    const delegated = await delegate(north.token, { userId: north2.id, comment: '我休假' })
    expect(delegated.status, JSON.stringify(delegated.body)).toBe(200)
    expect(delegated.body.tasks[0]).toMatchObject({ delegatedTo: north2.id, delegatedBy: 'fa_north' })
    expect(await north2Inbox()).toContain(task)
    expect((await inbox(north.token)).map((t: { id: string }) => t.id)).toContain(task)
    const passOn = await api.callAs(north2.token, 'POST', `/api/tasks/${task}/reassign`, {
      to: { kind: 'role', role: 'clerk' },
    })
    expect(passOn.status).toBe(403)
    expect(passOn.body.code).toBe('TASK_NOT_ASSIGNEE')

    const done = await api.callAs(north2.token, 'POST', `/api/tasks/${task}/complete`, { outcome: 'approve' })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body.tasks[0]).toMatchObject({ status: 'completed', completedBy: 'fa_north2' })
    expect(
      done.body.steps.map((s: { event: string; actor: string; to?: unknown; comment?: string }) => [
        s.event,
        s.actor === 'fa_north' || s.actor === 'fa_north2' ? s.actor : 'admin',
        s.to ?? null,
        s.comment ?? null,
      ]),
    ).toEqual([
      ['start', 'admin', null, null],
      ['task_reassigned', 'admin', { kind: 'user', value: north.id }, '老客户'],
      ['task_delegated', 'fa_north', north2.id, '我休假'],
      ['task_completed', 'fa_north2', null, null],
    ])

    // A closed task cannot change hands.
    const late = await delegate(north.token, { userId: null })
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('TASK_CLOSED')
  })

  it('the assignee takes a delegated task back', async () => {
    const instance = await start(await customer({ name: '北三', store: 'north' }))
    const task = await taskOf(instance)
    const given = await api.callAs(north.token, 'POST', `/api/tasks/${task}/delegate`, { userId: north2.id })
    expect(given.status, JSON.stringify(given.body)).toBe(200)
    const back = await api.callAs(north.token, 'POST', `/api/tasks/${task}/delegate`, { userId: null })
    expect(back.status, JSON.stringify(back.body)).toBe(200)
    expect(back.body.tasks[0]).toMatchObject({ delegatedTo: null, delegatedBy: null })
    expect(back.body.steps.at(-1)).toMatchObject({ event: 'task_delegated', from: north2.id, to: null })
  })

  it('clerks of two stores starting at once each reach only their own store, masked as their own reads', async () => {
    const northRecords = await Promise.all(
      [1, 2, 3].map((i) => customer({ name: `北${i}`, phone: `1381234800${i}`, store: 'north' })),
    )
    const southRecords = await Promise.all(
      [1, 2, 3].map((i) => customer({ name: `南${i}`, phone: `1398765123${i}`, store: 'south' })),
    )
    const startAs = (token: string, recordId: string) =>
      api.callAs(token, 'POST', '/api/apps/fa/flows/call_back/instances', { form: 'customers', recordId })
    // Reads arriving together share a statement only within one member's scope: each answer is its own.
    const answers = await Promise.all([
      ...northRecords.map((id) => startAs(north.token, id)),
      ...southRecords.map((id) => startAs(north.token, id)),
      ...southRecords.map((id) => startAs(south.token, id)),
    ])
    const statuses = answers.map((r) => r.status)
    expect(statuses).toEqual([201, 201, 201, 404, 404, 404, 201, 201, 201])
    expect(answers[0]!.body.data.record).toMatchObject({ name: '北1', phone: '138****8001' })
    expect(answers[6]!.body.data.record).toMatchObject({ name: '南1', phone: '139****1231' })
    expect(JSON.stringify(answers.map((r) => r.body))).not.toMatch(/1381234800|1398765123/)
  })

  it('a member starts with the role they have now, after a role change or a removal', async () => {
    const mover = await api.user({ username: 'fa_mover', attributes: { store: 'north' } })
    const setRole = async (role: string) =>
      expect((await api.call('PUT', `/api/apps/fa/members/${mover.id}`, { role })).status).toBeLessThan(300)
    const startAs = (recordId: string) =>
      api.callAs(mover.token, 'POST', '/api/apps/fa/flows/call_back/instances', {
        form: 'customers',
        recordId,
      })
    const record = await customer({ name: '北四', phone: '13812348004', store: 'north', vip_note: '秘' })
    await setRole('clerk')
    const first = await startAs(record)
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    expect(first.body.data.record).not.toHaveProperty('vip_note')

    await setRole('guest')
    const asGuest = await startAs(record)
    expect(asGuest.status, JSON.stringify(asGuest.body)).toBe(403)

    await setRole('clerk')
    expect((await startAs(record)).status).toBe(201)
    expect((await api.call('DELETE', `/api/apps/fa/members/${mover.id}`)).status).toBeLessThan(300)
    const removed = await startAs(record)
    expect(removed.status).toBe(403)
    expect(removed.body.code).toBe('APP_FORBIDDEN')
  })
})
