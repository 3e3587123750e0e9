import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const base = '/api/apps/crm/forms'
const filtered = (logic: unknown, extra = '') =>
  `${base}/customers/records?count=true&filter=${encodeURIComponent(JSON.stringify(logic))}${extra}`
const phone = { var: 'phone' }

/**
 * The CRM clerk finds a customer by the phone the customer tells them, although tier-S phones reach the
 * clerk masked: the exact whole number matches, and nothing shorter, wider or sorted tells them a digit.
 */
describeEachDatabase('records: searching a masked field by its exact value', (ctx) => {
  const api = useApi(ctx)
  let clerk: string
  let vip: string
  let neighbour: string
  let storeOfClerk: string

  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${base}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }
  const asClerk = (url: string) => api.callAs(clerk, 'GET', url)

  beforeAll(async () => {
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).status).toBe(201)
    const own = await create('stores', { code: 'SH01', name: '静安店', city: 'shanghai' })
    const other = await create('stores', { code: 'SH02', name: '徐汇店', city: 'shanghai' })
    vip = await create('customers', { name: '王总', phone: '13800138000', tier: 'S', store: own })
    await create('customers', { name: '王太太', phone: '13800138001', tier: 'S', store: own })
    neighbour = await create('customers', { name: '赵先生', phone: '13700137000', tier: 'S', store: other })
    storeOfClerk = own
    const user = await api.user({ username: 'search_clerk', attributes: { store: own } })
    expect((await api.call('PUT', `/api/apps/crm/members/${user.id}`, { role: 'clerk' })).status).toBe(204)
    clerk = user.token
  })

  it('finds the customer by the whole number and still shows it masked', async () => {
    const res = await asClerk(filtered({ '==': [phone, '+8613800138000'] }))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.count).toBe(1)
    expect(res.body.records).toEqual([
      expect.objectContaining({ id: vip, name: '王总', phone: '138****8000' }),
    ])
    expect(JSON.stringify(res.body)).not.toContain('13800138000')
    // Written the other way round, inside the quick search's `or` with the name, it is the same lookup.
    const search = await asClerk(
      filtered({
        or: [{ icontains: [{ var: 'name' }, '+8613800138000'] }, { '==': ['+8613800138000', phone] }],
      }),
    )
    expect(search.body.records.map((r: { id: string }) => r.id)).toEqual([vip])
  })

  it('matches nothing with part of the number, and refuses every partial operator', async () => {
    for (const part of ['+86138', '138001380', '13800138000', '138****8000']) {
      const res = await asClerk(filtered({ '==': [phone, part] }))
      expect(res.status).toBe(200)
      expect(res.body.count, part).toBe(0)
    }
    const partial = [
      { starts_with: [phone, '+86138'] },
      { icontains: [phone, '0013800'] },
      { contains: [phone, '138'] },
      { in: ['138', phone] },
      { in: [phone, ['+8613800138000', '+8613800138001']] },
      { '>=': [phone, '+8613800138000'] },
      { '!=': [phone, '+8613800138000'] },
      { is_empty: [phone] },
      { '==': [phone, 8613800138000] },
      { '==': [{ var: ['phone', ''] }, '+8613800138000'] },
    ]
    for (const logic of partial) {
      const res = await asClerk(filtered(logic))
      expect(res.status, JSON.stringify(logic)).toBe(400)
      expect(res.body.code).toBe('FILTER_INVALID')
    }
  })

  it('tests one guess per request: two candidates for the same field are refused', async () => {
    const candidates = { or: [{ '==': [phone, '+8613800138000'] }, { '==': [phone, '+8613800138001'] }] }
    const res = await asClerk(filtered(candidates))
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'FILTER_INVALID', path: 'filter.or.1.==' })
    expect((await asClerk(`${base}/customers/records?sort=phone`)).status).toBe(400)
  })

  it("does not find another store's customer by their exact number", async () => {
    const res = await asClerk(filtered({ '==': [phone, '+8613700137000'] }))
    expect(res.status).toBe(200)
    expect(res.body.count).toBe(0)
    const admin = await api.call('GET', filtered({ '==': [phone, '+8613700137000'] }))
    expect(admin.body.records.map((r: { id: string }) => r.id)).toEqual([neighbour])
  })

  it('allows a clerk a limited number of lookups per minute, so a masked number cannot be swept', async () => {
    const user = await api.user({ username: 'sweeping_clerk', attributes: { store: storeOfClerk } })
    expect((await api.call('PUT', `/api/apps/crm/members/${user.id}`, { role: 'clerk' })).status).toBe(204)
    const guess = (n: number) =>
      api.callAs(user.token, 'GET', filtered({ '==': [phone, `+86138001${String(n).padStart(5, '0')}`] }))
    const statuses: number[] = []
    for (let n = 0; n < 30; n++) statuses.push((await guess(n)).status)
    expect(statuses.every((s) => s === 200)).toBe(true)
    const refused = await guess(31)
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', path: 'filter' })
    // Only lookups by a masked value count: the clerk can still list and search by name.
    const byName = await api.callAs(user.token, 'GET', filtered({ '==': [{ var: 'name' }, '王总'] }))
    expect(byName.status).toBe(200)
    expect(byName.body.count).toBe(1)
    // Another clerk's budget is their own.
    expect((await asClerk(filtered({ '==': [phone, '+8613800138000'] }))).body.count).toBe(1)
  })
})
