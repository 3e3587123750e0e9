/* eslint-disable @typescript-eslint/no-explicit-any -- test responses are checked by assertions, not types */
import type { Page } from 'playwright-core'
import { ADMIN } from './browser'

/** Calls the API with the page's session (cookie and CSRF token), as the logged-in user would. */
export async function api<T = any>(page: Page, method: string, url: string, body?: unknown): Promise<T> {
  const origin = new URL(page.url()).origin
  const me = await page.request.get(`${origin}/api/auth/me`)
  const { csrfToken } = (await me.json()) as { csrfToken?: string }
  const response = await page.request.fetch(`${origin}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    ...(body === undefined ? {} : { data: JSON.stringify(body) }),
  })
  const text = await response.text()
  if (!response.ok()) throw new Error(`${method} ${url}: ${response.status()} ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

export async function logIn(page: Page, url: string, user: { username: string; password: string } = ADMIN) {
  await page.context().clearCookies()
  await page.goto(url)
  await page.getByLabel('用户名').fill(user.username)
  await page.getByLabel('密码').fill(user.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByRole('heading', { name: '我的应用' }).waitFor()
}

/** A one-step approval by the store managers, published into the CRM app through the draft API. */
export const managerApproval = {
  key: 'deal_approval',
  version: 1,
  name: '大单审批',
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'approve',
      kind: 'user_task',
      name: '店长审批大单',
      config: {
        assignee: { kind: 'role', role: 'store_manager' },
        due: { kind: 'duration', duration: 'P2D' },
      },
    },
    { id: 'escalate', kind: 'end', config: { result: 'late' } },
    { id: 'end', kind: 'end', config: { result: 'approved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approve' },
    { id: 'e2', source: 'approve', target: 'end' },
    { id: 'e3', source: 'approve', target: 'escalate', on: 'due' },
  ],
}
