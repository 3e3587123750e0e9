// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FormPreview } from '../src/forms/FormPreview'
import i18n from '../src/i18n'
import type { DesignedForm } from '../src/forms/state/layout'

const form: DesignedForm = {
  key: 'customers',
  label: { 'zh-CN': '客户', en: 'Customers' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' }, required: true },
    { key: 'phone', type: 'phone', label: { 'zh-CN': '手机', en: 'Mobile' } },
    {
      key: 'reason',
      type: 'text',
      label: { 'zh-CN': '原因', en: 'Reason' },
      visibleWhen: { '==': [{ var: 'name' }, 'lost'] },
    },
  ],
}

describe('form preview', () => {
  afterEach(cleanup)

  it('validates with the form engine and shows its messages in the current language', async () => {
    await act(() => i18n.changeLanguage('zh-CN'))
    render(<FormPreview form={form} />)
    fireEvent.change(screen.getByLabelText('手机'), { target: { value: '12ab' } })
    expect(screen.getByText('请输入有效的电话号码')).toBeTruthy()
    // Required errors wait for "Check", so an empty preview is not all red.
    expect(screen.queryByText('此项为必填')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: '校验' }))
    expect(screen.getByText('此项为必填')).toBeTruthy()

    await act(() => i18n.changeLanguage('en'))
    expect(screen.getByText('Enter a valid phone number')).toBeTruthy()
    expect(screen.getByText('This field is required')).toBeTruthy()

    fireEvent.change(screen.getByLabelText('Mobile'), { target: { value: '138 0013 8000' } })
    fireEvent.change(screen.getByLabelText('Name *'), { target: { value: 'Li Lei' } })
    expect(screen.getByText('The sample passes validation')).toBeTruthy()
  })

  it('hides a field whose visibleWhen is false for the sample', async () => {
    await act(() => i18n.changeLanguage('en'))
    render(<FormPreview form={form} />)
    expect(screen.queryByLabelText('Reason')).toBeNull()
    fireEvent.change(screen.getByLabelText('Name *'), { target: { value: 'lost' } })
    expect(screen.getByLabelText('Reason')).toBeTruthy()
  })
})
