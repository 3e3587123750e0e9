import { ADMIN } from './browser'

/** The server's JSON API as the platform admin, from the test (not the page): setup and checks. */
export async function adminSession(url: string) {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  })
  if (!login.ok) throw new Error(`admin login failed: ${login.status}`)
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return (text ? JSON.parse(text) : undefined) as T
  }
  return { call }
}

type Row = Record<string, unknown> & { id: string }

/**
 * A member of one store, made the way an administrator would (a user with a `store` attribute, then a
 * membership in the CRM app), and what the test needs to know about their store's data.
 */
export async function storeMember(url: string, role: string, username: string, password: string) {
  const { call } = await adminSession(url)
  const records = (form: string, filter?: unknown, limit = 500) =>
    call<{ records: Row[]; count: number }>('POST', `/api/apps/crm/forms/${form}/records/query`, {
      filter,
      limit,
      count: true,
    })
  const stores = (await records('stores')).records
  // The store with the most customers, so there is someone to find; another store to compare with.
  const counted = await Promise.all(
    stores.map(async (s) => ({
      store: s,
      count: (await records('customers', { '==': [{ var: 'store' }, s.id] }, 1)).count,
    })),
  )
  counted.sort((a, b) => b.count - a.count)
  const own = counted[0]!
  const other = counted[1]!
  const mobile = (c: Row) => typeof c.phone === 'string' && c.phone.startsWith('+86')
  const ownCustomers = (await records('customers', { '==': [{ var: 'store' }, own.store.id] })).records
  // A tier-S customer: the template's clerk sees their phone masked.
  const customer = ownCustomers.find((c) => mobile(c) && c.tier === 'S')
  if (!customer) throw new Error(`no tier-S customer with a mobile in store ${own.store.id}`)
  const stranger = (await records('customers', { '==': [{ var: 'store' }, other.store.id] })).records.find(
    mobile,
  )!
  const user = await call<{ id: string }>('POST', '/api/users', {
    username,
    password,
    attributes: { store: own.store.id },
  })
  await call('PUT', `/api/apps/crm/members/${user.id}`, { role })
  return { ownStore: own.store, ownCount: own.count, customer, stranger }
}
