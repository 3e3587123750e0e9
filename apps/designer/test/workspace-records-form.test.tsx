// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { WorkspaceForm } from '../src/api/workspace'
import i18n from '../src/i18n'
import { RecordForm } from '../src/workspace/record-form/RecordForm'
import { valuesToSend, initialInputs } from '../src/workspace/record-form/form-values'
import { uploadFile } from '../src/api/records'
import { setCsrfToken } from '../src/api/client'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const tasks: WorkspaceForm = {
  key: 'tasks',
  label: label('跟进任务', 'Follow-up tasks'),
  titleField: 'title',
  fields: [
    { key: 'title', type: 'text', label: label('任务', 'Task'), required: true },
    { key: 'phone', type: 'phone', label: label('电话', 'Phone') },
    {
      key: 'status',
      type: 'select',
      label: label('状态', 'Status'),
      default: 'open',
      options: [
        { value: 'open', label: label('待办', 'Open') },
        { value: 'done', label: label('已完成', 'Done') },
      ],
    },
    {
      key: 'outcome',
      type: 'long_text',
      label: label('跟进结果', 'Outcome'),
      visibleWhen: { '==': [{ var: 'status' }, 'done'] },
    },
    { key: 'code', type: 'auto_number', label: label('编号', 'No.') },
  ],
  access: { actions: ['read', 'create', 'update'], readOnly: [], masked: [] },
}

function reply(status: number, body: unknown) {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  )
}

describe('record form', () => {
  beforeEach(async () => {
    localStorage.clear()
    await act(() => i18n.changeLanguage('en'))
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  const renderForm = (onSaved = vi.fn()) =>
    render(
      <RecordForm
        appKey="crm"
        forms={[tasks]}
        form={tasks}
        record={null}
        onSaved={onSaved}
        onCancel={() => undefined}
      />,
    )

  it("checks with the form engine before sending, and shows the field's error", async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    renderForm()
    fireEvent.change(screen.getByLabelText('Phone'), { target: { value: '12ab' } })
    expect(screen.getByText('Enter a valid phone number')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByText('This field is required')).toBeTruthy()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('shows a field only while its condition holds', () => {
    renderForm()
    expect(screen.queryByLabelText('Outcome')).toBeNull()
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'done' } })
    expect(screen.getByLabelText('Outcome')).toBeTruthy()
  })

  it("puts the server's error on its field", async () => {
    vi.stubGlobal('fetch', () =>
      reply(409, {
        code: 'UNIQUE_VIOLATION',
        message: 'title is taken',
        path: 'title',
        details: [{ path: 'title', code: 'record.unique', message: 'This value is already taken' }],
      }),
    )
    const onSaved = vi.fn()
    renderForm(onSaved)
    fireEvent.change(screen.getByLabelText('Task *'), { target: { value: 'Call back' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(screen.getByText('This value is already taken')).toBeTruthy())
    expect(onSaved).not.toHaveBeenCalled()
  })

  it('keeps a draft across a reload and forgets it once saved', async () => {
    const first = renderForm()
    fireEvent.change(screen.getByLabelText('Task *'), { target: { value: '电话回访' } })
    first.unmount()
    const sent: unknown[] = []
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => {
      sent.push(JSON.parse(String(init.body)))
      return reply(201, { id: '1', version: 1, title: '电话回访' })
    })
    const onSaved = vi.fn()
    renderForm(onSaved)
    expect((screen.getByLabelText('Task *') as HTMLInputElement).value).toBe('电话回访')
    expect(screen.getByText('Your unsaved draft was restored.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalled())
    expect(sent).toEqual([{ values: { title: '电话回访', status: 'open' } }])
    expect(localStorage.length).toBe(0)
  })

  it('sends only changed fields on an edit, never a masked value read back', () => {
    const form = { ...tasks, access: { ...tasks.access, masked: ['phone'] } }
    const record = { id: '4', version: 2, title: 'a', phone: '139****5678', status: 'open' }
    const inputs = { ...initialInputs(form, record), title: 'b', phone: '139****5679' }
    expect(valuesToSend(form, inputs, () => true, record)).toEqual({ title: 'b' })
  })

  it('uploads an attachment as multipart with the session’s CSRF token, and keeps what the server answers', async () => {
    setCsrfToken('csrf-1')
    const calls: Array<{ url: string; init: RequestInit }> = []
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      calls.push({ url, init })
      return reply(201, { id: 'f1', name: 'receipt.png', size: 2048, type: 'image/png' })
    })
    const file = new File([new Uint8Array(2048)], 'receipt.png', { type: 'image/png' })
    expect(await uploadFile(file)).toEqual({ id: 'f1', name: 'receipt.png', size: 2048, type: 'image/png' })
    expect(calls[0]!.url).toBe('/api/files')
    expect((calls[0]!.init.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-1')
    expect((calls[0]!.init.body as FormData).get('file')).toBeTruthy()
    setCsrfToken(undefined)
  })
})
