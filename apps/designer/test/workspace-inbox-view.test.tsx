// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import i18n from '../src/i18n'
import InboxView from '../src/workspace/inbox/InboxView'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const app = {
  key: 'crm',
  name: label('客户', 'CRM'),
  roles: [{ key: 'store_manager', label: label('店长', 'Store manager'), forms: {} }],
  flows: [{ key: 'quote_approval', name: '报价审批' }],
  forms: [
    {
      key: 'opportunities',
      label: label('商机', 'Opportunities'),
      titleField: 'title',
      fields: [
        { key: 'title', type: 'text', label: label('商机名称', 'Title') },
        {
          key: 'stage',
          type: 'select',
          label: label('阶段', 'Stage'),
          options: [{ value: 'negotiation', label: label('报价谈判', 'Negotiation') }],
        },
      ],
      access: { actions: ['read' as const], readOnly: [], masked: [] },
    },
  ],
}
const task = {
  id: '7',
  instanceId: '3',
  app: 'crm',
  nodeId: 'approve',
  name: '店长审批大单',
  assignee: { kind: 'role', value: 'store_manager' },
  form: null,
  outcomes: ['approve', 'reject', 'return'],
  returned: null,
  status: 'open',
  dueAt: '2020-01-01T00:00:00.000Z',
  createdAt: '2019-12-30T00:00:00.000Z',
  delegatedTo: null,
  flow: 'quote_approval',
  record: { form: 'opportunities', id: '12', values: { title: '企业年会蛋糕', stage: 'negotiation' } },
}
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('task inbox view', () => {
  const posts: Array<{ url: string; body: unknown }> = []
  let open = [task]
  beforeEach(async () => {
    await act(() => i18n.changeLanguage('zh-CN'))
    posts.length = 0
    open = [task]
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        if (init.method === 'GET') return json({ tasks: open })
        posts.push({ url, body: init.body ? JSON.parse(String(init.body)) : undefined })
        if (url.endsWith('/claim')) open = [{ ...task, assignee: { kind: 'user', value: '5' } }]
        if (url.endsWith('/complete')) open = []
        return json({})
      }),
    )
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  it('shows the task with its record and badges, claims it, asks why before rejecting, then rejects', async () => {
    render(<InboxView appKey="crm" rest={[]} app={app as never} />)
    const detail = await screen.findByTestId('task-detail')
    expect(detail.textContent).toContain('流程：报价审批 · 角色：店长')
    expect(screen.getByTestId('task-record').textContent).toContain('报价谈判')
    expect(screen.getAllByText('已逾期').length).toBeGreaterThan(0)

    fireEvent.click(screen.getByRole('button', { name: '领取' }))
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: '领取' })).toBeNull())
    expect(posts[0]!.url).toBe('/api/tasks/7/claim')

    fireEvent.click(screen.getByRole('button', { name: '驳回' }))
    expect(await screen.findByText('驳回或退回时请填写意见')).toBeTruthy()
    expect(posts).toHaveLength(1)
    fireEvent.change(screen.getByLabelText('审批意见'), { target: { value: '金额超出授权' } })
    fireEvent.click(screen.getByRole('button', { name: '驳回' }))
    expect(await screen.findByText('已处理“店长审批大单”：驳回')).toBeTruthy()
    expect(posts[1]).toEqual({
      url: '/api/tasks/7/complete',
      body: { outcome: 'reject', comment: '金额超出授权' },
    })
    expect(screen.getByText('没有待处理的任务')).toBeTruthy()
  })
})
