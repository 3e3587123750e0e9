// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RecordJson } from '../src/api/records'
import type { WorkspaceForm } from '../src/api/workspace'
import i18n from '../src/i18n'
import { RecordTable, type RecordTableProps } from '../src/workspace/records/RecordTable'
import { groupItems } from '../src/workspace/records/table-state'
import { VirtualList } from '../src/workspace/records/VirtualList'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const form: WorkspaceForm = {
  key: 'customers',
  label: label('客户', 'Customers'),
  titleField: 'name',
  fields: [
    { key: 'name', type: 'text', label: label('姓名', 'Name') },
    { key: 'phone', type: 'phone', label: label('手机号', 'Mobile') },
    { key: 'tags', type: 'tags', label: label('标签', 'Tags') },
  ],
  access: { actions: ['read', 'update'], readOnly: [], masked: [] },
}
const rows: RecordJson[] = Array.from({ length: 1000 }, (_, i) => ({
  id: String(i + 1),
  version: 1,
  name: `客户${i + 1}`,
  phone: '+8613912345678',
  tags: [],
}))

function renderTable(props: Partial<RecordTableProps> = {}) {
  const handlers = {
    onSort: vi.fn(),
    onSelect: vi.fn(),
    onSelectAll: vi.fn(),
    onOpen: vi.fn(),
    onEdit: vi.fn(),
  }
  render(
    <RecordTable
      form={form}
      forms={[form]}
      rows={rows}
      items={groupItems(rows, null)}
      columns={['name', 'phone', 'tags']}
      sort={null}
      selected={[]}
      groupBy={null}
      cellErrors={{}}
      onNearEnd={() => undefined}
      {...handlers}
      {...props}
    />,
  )
  return handlers
}

describe('records table', () => {
  beforeEach(() => act(() => i18n.changeLanguage('en')))
  afterEach(cleanup)

  it('renders a window of the rows, not all of them', () => {
    renderTable()
    const rendered = document.querySelectorAll('[data-record]').length
    expect(rendered).toBeGreaterThan(0)
    expect(rendered).toBeLessThan(60)
  })

  it('renders only the rows a scroll brings into view, and all of them again for new rows', () => {
    const renderItem = vi.fn((index: number) => <span data-index={index}>row {index}</span>)
    const { rerender } = render(
      <VirtualList count={1000} itemHeight={40} renderItem={renderItem} testId="list" />,
    )
    const first = renderItem.mock.calls.map(([index]) => index)
    expect(first[0]).toBe(0)
    const list = screen.getByTestId('list')
    renderItem.mockClear()
    // Less than a row: nothing to render.
    fireEvent.scroll(list, { target: { scrollTop: 30 } })
    expect(renderItem).not.toHaveBeenCalled()
    // Ten rows down: the ten rows that came into view, none of those already shown.
    fireEvent.scroll(list, { target: { scrollTop: 400 } })
    const added = renderItem.mock.calls.map(([index]) => index)
    expect(added).toHaveLength(10)
    expect(added.some((index) => first.includes(index))).toBe(false)
    expect(document.querySelector(`[data-index="${Math.max(...added)}"]`)).not.toBeNull()
    // A new renderItem (other rows, another selection) renders every row in view again.
    const again = vi.fn((index: number) => <span data-index={index}>new {index}</span>)
    rerender(<VirtualList count={1000} itemHeight={40} renderItem={again} testId="list" />)
    expect(again.mock.calls.length).toBeGreaterThan(10)
    expect(document.querySelector('[data-index="20"]')!.textContent).toBe('new 20')
  })

  it('edits a cell in place: double-click, type, Enter sends the new value', () => {
    const { onEdit } = renderTable()
    const cell = document.querySelector('[data-record="1"] [data-field="phone"]')!
    fireEvent.doubleClick(cell)
    const input = screen.getByLabelText('Mobile')
    fireEvent.change(input, { target: { value: '12ab' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    expect(onEdit).toHaveBeenCalledWith(expect.objectContaining({ id: '1' }), 'phone', '12ab')
    // Tags need the full form: no editor opens.
    fireEvent.doubleClick(document.querySelector('[data-record="1"] [data-field="tags"]')!)
    expect(document.querySelector('[data-record="1"] [data-field="tags"] input')).toBeNull()
  })

  it("shows the server's error on the cell it belongs to", () => {
    renderTable({ cellErrors: { '2:phone': 'Enter a valid phone number' } })
    const cell = document.querySelector('[data-record="2"] [data-field="phone"]')!
    expect(cell.textContent).toContain('Enter a valid phone number')
    expect(document.querySelector('[data-record="1"] [data-field="phone"]')!.textContent).not.toContain(
      'valid',
    )
  })

  it('sorts by a header click and marks the order', () => {
    const { onSort } = renderTable({ sort: { field: 'name', descending: true } })
    fireEvent.click(screen.getByRole('button', { name: 'Mobile' }))
    expect(onSort).toHaveBeenCalledWith('phone')
    expect(screen.getByRole('columnheader', { name: 'Name ↓' }).getAttribute('aria-sort')).toBe('descending')
    // Tags cannot be ordered.
    expect((screen.getByRole('button', { name: 'Tags' }) as HTMLButtonElement).disabled).toBe(true)
  })
})
