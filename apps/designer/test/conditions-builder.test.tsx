// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import type { FieldDef } from '@trellis/form-engine'
import { useState } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConditionBuilder, ConditionSummary } from '../src/conditions/ConditionBuilder'
import i18n from '../src/i18n'

const fields: FieldDef[] = [
  { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' } },
  { key: 'last_purchase', type: 'datetime', label: { 'zh-CN': '最近购买', en: 'Last purchase' } },
  {
    key: 'tier',
    type: 'select',
    label: { 'zh-CN': '会员等级', en: 'Member tier' },
    options: [
      { value: 'S', label: { 'zh-CN': 'S 级', en: 'Tier S' } },
      { value: 'A', label: { 'zh-CN': 'A 级', en: 'Tier A' } },
    ],
  },
  { key: 'store', type: 'relation', label: { 'zh-CN': '门店', en: 'Store' }, relation: { form: 'stores' } },
]

/** The builder under a parent that keeps the value, as the rules and roles tabs do. */
function Host({
  initial,
  userVariables,
  recordChange,
}: {
  initial?: unknown
  userVariables?: boolean
  recordChange?: boolean
}) {
  const [value, setValue] = useState<unknown>(initial)
  return (
    <>
      <ConditionBuilder
        fields={fields}
        value={value}
        onChange={setValue}
        userVariables={userVariables}
        recordChange={recordChange}
      />
      <output data-testid="logic">{JSON.stringify(value) ?? 'none'}</output>
      <p data-testid="summary">
        <ConditionSummary fields={fields} value={value} recordChange={recordChange} />
      </p>
    </>
  )
}

const logic = () => JSON.parse(screen.getByTestId('logic').textContent!) as unknown

describe('condition builder', () => {
  beforeEach(async () => {
    await act(() => i18n.changeLanguage('en'))
  })
  afterEach(cleanup)

  it('builds a condition from rows and summarizes it in the current language', async () => {
    render(<Host />)
    expect(screen.getByText('No condition: always true.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: '+ Add condition' }))
    fireEvent.change(screen.getByLabelText('Field'), { target: { value: 'last_purchase' } })
    fireEvent.change(screen.getByLabelText('Operator'), { target: { value: 'more_than_days_ago' } })
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: '90' } })
    fireEvent.click(screen.getByRole('button', { name: '+ Add condition' }))
    const second = screen.getAllByTestId('condition-row')[1]!
    fireEvent.change(within(second).getByLabelText('Field'), { target: { value: 'tier' } })
    fireEvent.change(within(second).getByLabelText('Value'), { target: { value: 'S' } })
    expect(logic()).toEqual({
      and: [{ '>': [{ days_since: [{ var: 'last_purchase' }] }, 90] }, { '==': [{ var: 'tier' }, 'S'] }],
    })
    expect(screen.getByTestId('summary').textContent).toBe(
      'Last purchase more than 90 days ago and Member tier is Tier S',
    )
    await act(() => i18n.changeLanguage('zh-CN'))
    expect(screen.getByTestId('summary').textContent).toBe('最近购买 超过 90 天前 且 会员等级 等于 S 级')
    expect(screen.getByRole('button', { name: '+ 添加条件' })).toBeTruthy()
  })

  it('offers $user values only when asked to', () => {
    const initial = { '==': [{ var: 'store' }, '1'] }
    const { unmount } = render(<Host initial={initial} />)
    expect(screen.queryByLabelText('Value from')).toBeNull()
    unmount()
    render(<Host initial={initial} userVariables />)
    fireEvent.change(screen.getByLabelText('Value from'), { target: { value: 'user' } })
    expect(logic()).toEqual({ '==': [{ var: 'store' }, { var: '$user.store' }] })
    expect(screen.getByTestId('summary').textContent).toBe("Store is the current user's store")
  })

  it('opens logic it cannot show as rows in JSON, and keeps invalid JSON with its error', () => {
    render(<Host initial={{ '<': [{ var: '$before.total' }, 5] }} />)
    expect(screen.getByText(/cannot be shown visually/)).toBeTruthy()
    const box = screen.getByLabelText('JSON') as HTMLTextAreaElement
    fireEvent.change(box, { target: { value: '{"==": [{"var": "name"}, ' } })
    expect(screen.getByRole('alert').textContent).toMatch(/Invalid JSON/)
    expect(box.value).toBe('{"==": [{"var": "name"}, ')
    // The definition keeps the last valid logic while the text is broken.
    expect(logic()).toEqual({ '<': [{ var: '$before.total' }, 5] })
    fireEvent.change(box, { target: { value: '{"==": [{"var": "name"}, "Ann"]}' } })
    expect(logic()).toEqual({ '==': [{ var: 'name' }, 'Ann'] })
    fireEvent.click(screen.getByRole('button', { name: 'Visual' }))
    expect((screen.getByLabelText('Value') as HTMLInputElement).value).toBe('Ann')
  })

  it('follows a value changed from outside (undo)', () => {
    const { rerender } = render(
      <ConditionBuilder fields={fields} value={{ '==': [{ var: 'name' }, 'A'] }} onChange={() => {}} />,
    )
    rerender(
      <ConditionBuilder fields={fields} value={{ '==': [{ var: 'name' }, 'B'] }} onChange={() => {}} />,
    )
    expect((screen.getByLabelText('Value') as HTMLInputElement).value).toBe('B')
  })
})

describe('condition builder on a record update', () => {
  beforeEach(async () => {
    await act(() => i18n.changeLanguage('zh-CN'))
  })
  afterEach(cleanup)

  it('builds "会员等级 变更前 = A 且 变更后 = S" and "姓名 已变更" from rows', () => {
    render(<Host recordChange />)
    const add = () => fireEvent.click(screen.getByRole('button', { name: '+ 添加条件' }))
    add()
    add()
    add()
    const [first, second, third] = screen.getAllByTestId('condition-row')
    for (const [row, side, value] of [
      [first!, 'before', 'A'],
      [second!, 'after', 'S'],
    ] as const) {
      fireEvent.change(within(row).getByLabelText('字段'), { target: { value: 'tier' } })
      fireEvent.change(within(row).getByLabelText('读取哪个值'), { target: { value: side } })
      fireEvent.change(within(row).getByLabelText('值'), { target: { value } })
    }
    fireEvent.change(within(third!).getByLabelText('比较方式'), { target: { value: 'changed' } })
    // "has changed" names the field: no before/after choice for it.
    expect(within(third!).queryByLabelText('读取哪个值')).toBeNull()
    expect(logic()).toEqual({
      and: [
        { '==': [{ var: '$before.tier' }, 'A'] },
        { '==': [{ var: '$after.tier' }, 'S'] },
        { in: ['name', { var: '$changed' }] },
      ],
    })
    expect(screen.getByTestId('summary').textContent).toBe(
      '会员等级 变更前 等于 A 级 且 会员等级 变更后 等于 S 级 且 姓名 已变更',
    )
  })

  it('opens such logic as JSON where the condition does not run on a record update', () => {
    const initial = { in: ['name', { var: '$changed' }] }
    const { unmount } = render(<Host initial={initial} />)
    expect(screen.queryAllByTestId('condition-row')).toHaveLength(0)
    expect(screen.getByText(/无法用可视化方式显示/)).toBeTruthy()
    unmount()
    render(<Host initial={initial} recordChange />)
    expect(screen.getAllByTestId('condition-row')).toHaveLength(1)
    expect((screen.getByLabelText('比较方式') as HTMLSelectElement).value).toBe('changed')
  })
})
