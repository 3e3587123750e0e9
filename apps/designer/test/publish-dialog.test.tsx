// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import '../src/i18n'
import { PublishDialog } from '../src/builder/PublishDialog'
import i18n from '../src/i18n'

const steps = [
  { id: 'customers:create_table', kind: 'create_table', form: 'customers', lossy: false },
  {
    id: 'orders.status:change_options',
    kind: 'change_options',
    form: 'orders',
    field: 'status',
    lossy: true,
    reason: 'Records holding "lost" keep a value that is no longer an option.',
  },
  {
    id: 'orders.total:change_type',
    kind: 'change_type',
    form: 'orders',
    field: 'total',
    lossy: true,
    reason: 'Values must cast.',
  },
]

describe('publish dialog', () => {
  const calls: { method: string; url: string; body: unknown }[] = []
  beforeEach(async () => {
    await i18n.changeLanguage('zh-CN')
    calls.length = 0
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({
        method: init.method ?? 'GET',
        url,
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      })
      const body = url.endsWith('/plan') ? { steps } : { version: 3, steps }
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    })
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  it('shows every step, highlights the lossy ones with their reason, and confirms exactly those', async () => {
    const published = vi.fn()
    render(
      <PublishDialog
        appKey="shop"
        open
        publishedVersion={2}
        onClose={() => {}}
        onPublished={published}
        onInvalid={() => {}}
      />,
    )
    await screen.findByText('新建数据表')
    expect(screen.getByText('发布会按下面的步骤修改数据库，并生成新版本 v3。')).toBeTruthy()
    expect(screen.getAllByText('可能丢失数据')).toHaveLength(2)
    expect(screen.getByText('Values must cast.')).toBeTruthy()

    const publish = screen.getByRole('button', { name: '确认发布' }) as HTMLButtonElement
    const boxes = screen.getAllByRole('checkbox', { name: '我已了解，确认执行此步骤' })
    expect(boxes).toHaveLength(2)
    expect(publish.disabled).toBe(true)
    fireEvent.click(boxes[0]!)
    expect(publish.disabled).toBe(true)
    fireEvent.click(boxes[1]!)
    expect(publish.disabled).toBe(false)
    fireEvent.click(publish)

    await screen.findByText('已发布为 v3')
    expect(published).toHaveBeenCalledWith(3)
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'GET /api/apps/shop/plan',
      'POST /api/apps/shop/publish',
    ])
    expect(calls[1]!.body).toEqual({ confirm: ['orders.status:change_options', 'orders.total:change_type'] })
  })

  it('publishes a draft without table changes (flows, rules, roles or reports changed)', async () => {
    const calls: string[] = []
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`)
      const body = url.endsWith('/plan') ? { steps: [] } : { version: 2, steps: [] }
      return new Response(JSON.stringify(body), { status: 200 })
    })
    const published: number[] = []
    render(
      <PublishDialog
        appKey="shop"
        open
        publishedVersion={1}
        onClose={() => {}}
        onPublished={(version) => published.push(version)}
        onInvalid={() => {}}
      />,
    )
    await screen.findByText('没有数据表变更：草稿中的流程、规则、角色和报表将发布为 v2。')
    const button = screen.getByRole('button', { name: '确认发布' }) as HTMLButtonElement
    await waitFor(() => expect(button.disabled).toBe(false))
    fireEvent.click(button)
    await waitFor(() => expect(published).toEqual([2]))
    expect(calls).toEqual(['GET /api/apps/shop/plan', 'POST /api/apps/shop/publish'])
  })
})
