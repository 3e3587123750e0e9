// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import type { FieldDef } from '@trellis/form-engine'
import { useState } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConditionBuilder, ConditionSummary } from '../src/conditions/ConditionBuilder'
import i18n from '../src/i18n'

const fields: FieldDef[] = [
  { key: 'phone', type: 'phone', label: { 'zh-CN': '手机号', en: 'Phone' } },
  {
    key: 'tier',
    type: 'select',
    label: { 'zh-CN': '等级', en: 'Tier' },
    options: ['A', 'B'].map((value) => ({ value, label: { 'zh-CN': value, en: value } })),
  },
]

function Host({ initial, recordChange }: { initial?: unknown; recordChange: boolean }) {
  const [value, setValue] = useState<unknown>(initial)
  return (
    <>
      <ConditionBuilder fields={fields} value={value} onChange={setValue} recordChange={recordChange} />
      <output data-testid="logic">{JSON.stringify(value) ?? 'none'}</output>
      <p data-testid="summary">
        <ConditionSummary fields={fields} value={value} recordChange={recordChange} />
      </p>
    </>
  )
}

const logic = () => JSON.parse(screen.getByTestId('logic').textContent!) as unknown

describe('condition builder on a record update', () => {
  beforeEach(async () => {
    await act(() => i18n.changeLanguage('zh-CN'))
  })
  afterEach(cleanup)

  it('builds "等级 变更前 = B 且 变更后 = A" and "手机号 已变更" from rows', () => {
    render(<Host recordChange />)
    const add = () => fireEvent.click(screen.getByRole('button', { name: '+ 添加条件' }))
    add()
    add()
    add()
    const [first, second, third] = screen.getAllByTestId('condition-row')
    for (const [row, side, value] of [
      [first!, 'before', 'B'],
      [second!, 'after', 'A'],
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
        { '==': [{ var: '$before.tier' }, 'B'] },
        { '==': [{ var: '$after.tier' }, 'A'] },
        { in: ['phone', { var: '$changed' }] },
      ],
    })
    expect(screen.getByTestId('summary').textContent).toBe(
      '等级 变更前 等于 B 且 等级 变更后 等于 A 且 手机号 已变更',
    )
  })

  it('opens such logic as JSON where the condition does not run on a record update', () => {
    const initial = { in: ['phone', { var: '$changed' }] }
    const { unmount } = render(<Host initial={initial} recordChange={false} />)
    expect(screen.queryAllByTestId('condition-row')).toHaveLength(0)
    expect(screen.getByText(/无法用可视化方式显示/)).toBeTruthy()
    unmount()
    render(<Host initial={initial} recordChange />)
    expect(screen.getAllByTestId('condition-row')).toHaveLength(1)
    expect((screen.getByLabelText('比较方式') as HTMLSelectElement).value).toBe('changed')
  })
})
