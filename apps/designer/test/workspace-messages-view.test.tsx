// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import i18n from '../src/i18n'
import MessagesView from '../src/workspace/messages/MessagesView'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const app = {
  key: 'crm',
  name: label('客户', 'CRM'),
  forms: [
    {
      key: 'customers',
      label: label('客户', 'Customers'),
      fields: [],
      access: { actions: ['read' as const], readOnly: [], masked: [] },
    },
  ],
}
const message = (id: string, status: string, more: Record<string, unknown> = {}) => ({
  id,
  rule: 'birthday_coupon',
  form: 'customers',
  recordId: '42',
  channel: 'sms',
  to: '+8613800138000',
  locale: 'zh-CN',
  subject: null,
  body: `生日快乐 ${id}`,
  marketing: true,
  status,
  attempts: status === 'failed' ? 5 : 1,
  nextAttemptAt: null,
  sentAt: null,
  lastError: status === 'failed' ? 'gateway answered 500' : null,
  createdAt: '2026-03-01T01:00:00.000Z',
  ...more,
})

describe('message outbox view', () => {
  const calls: string[] = []
  beforeEach(async () => {
    await act(() => i18n.changeLanguage('zh-CN'))
    calls.length = 0
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        calls.push(url)
        const failedOnly = url.includes('status=failed')
        const body = {
          messages: failedOnly ? [message('2', 'failed')] : [message('3', 'queued'), message('2', 'failed')],
          nextBefore: null,
          counts: { queued: 1, failed: 1, sent: 0, stored: 0 },
        }
        return new Response(JSON.stringify(body), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })
      }),
    )
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  it('lists sent, pending and failed messages with their errors and filters by status', async () => {
    render(<MessagesView appKey="crm" rest={[]} app={app as never} />)
    expect(await screen.findByText('生日快乐 3')).toBeTruthy()
    expect(screen.getByText('gateway answered 500')).toBeTruthy()
    expect(screen.getByText('待发送', { selector: 'span' })).toBeTruthy()
    expect(screen.getAllByText('birthday_coupon · 客户 #42')).toHaveLength(2)
    fireEvent.click(screen.getByRole('button', { name: '发送失败 1' }))
    await vi.waitFor(() => expect(calls.at(-1)).toBe('/api/apps/crm/messages?status=failed'))
    await vi.waitFor(() => expect(screen.queryByText('生日快乐 3')).toBeNull())
  })

  it('tells a member without the right that the outbox is for administrators and managers', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ code: 'MESSAGES_FORBIDDEN', message: 'no' }), {
            status: 403,
            headers: { 'content-type': 'application/json' },
          }),
      ),
    )
    render(<MessagesView appKey="crm" rest={[]} app={app as never} />)
    expect(await screen.findByText('只有管理员和店长可以查看消息发送记录')).toBeTruthy()
  })
})
