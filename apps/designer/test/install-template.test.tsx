// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InstallTemplateDialog } from '../src/apps/InstallTemplateDialog'
import i18n from '../src/i18n'

const crm = {
  key: 'crm-retention',
  app: 'crm',
  name: { 'zh-CN': '已成交客户管理', en: 'Customer retention' },
  description: { 'zh-CN': '客户档案、分层、复购提醒', en: 'Customer files, tiers, repurchase reminders' },
}

describe('install a template from the designer', () => {
  const calls: { method: string; url: string; body: unknown }[] = []
  let answer: { status: number; body: unknown }
  beforeEach(async () => {
    await i18n.changeLanguage('zh-CN')
    calls.length = 0
    answer = { status: 201, body: { template: 'crm-retention', app: 'crm', version: 1, demo: null } }
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const method = init.method ?? 'GET'
      calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined })
      const { status, body } = method === 'GET' ? { status: 200, body: [crm] } : answer
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
    })
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  it('lists the templates in Chinese and installs the chosen one with the demo size asked for', async () => {
    const installed: unknown[] = []
    render(<InstallTemplateDialog open onClose={() => {}} onInstalled={(r) => installed.push(r)} />)
    await screen.findByText('已成交客户管理')
    expect(screen.getByText('客户档案、分层、复购提醒')).toBeTruthy()
    const size = screen.getByLabelText('演示客户数')
    fireEvent.change(size, { target: { value: '0' } })
    expect(screen.getByText('请输入 1 到 100000 的整数')).toBeTruthy()
    expect((screen.getByRole('button', { name: '安装' }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.change(size, { target: { value: '500' } })
    fireEvent.click(screen.getByRole('button', { name: '安装' }))
    await waitFor(() => expect(installed).toHaveLength(1))
    expect(calls.at(-1)).toEqual({
      method: 'POST',
      url: '/api/templates/crm-retention/install',
      body: { demo: true, size: 500 },
    })
  })

  it('installs without demo data when unticked, and says so plainly when the app exists already', async () => {
    answer = { status: 409, body: { code: 'APP_EXISTS', message: 'App crm already exists' } }
    render(<InstallTemplateDialog open onClose={() => {}} onInstalled={() => {}} />)
    await screen.findByText('已成交客户管理')
    fireEvent.click(screen.getByLabelText('同时导入演示数据（客户、订单、工单……方便试用）'))
    expect(screen.queryByLabelText('演示客户数')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: '安装' }))
    await screen.findByText('已存在应用「crm」：模板只能以这个应用安装一次。')
    expect(calls.at(-1)?.body).toEqual({ demo: false })
  })
})
