import { describe, expect, it } from 'vitest'
import type { RecordJson } from '../src/api/records'
import type { WorkspaceForm } from '../src/api/workspace'
import { availableBulkActions, bulkUpdates, chunks } from '../src/workspace/records/bulk-actions'
import { canEditInline, fieldErrorsOf, parseCellInput } from '../src/workspace/records/cell-edit'
import { formatPhone, formatValue } from '../src/workspace/records/format-value'
import {
  defaultColumns,
  effectiveFilter,
  groupItems,
  initialState,
  parseUrlFilter,
  phoneDigits,
  sanitizeSpec,
  searchLogic,
  sortParam,
  tableReducer,
  viewSpecOf,
  visibleRange,
  wholePhone,
  type TableAction,
  type TableState,
} from '../src/workspace/records/table-state'
import { ApiError } from '../src/api/client'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const customers = (access: Partial<WorkspaceForm['access']> = {}): WorkspaceForm => ({
  key: 'customers',
  label: label('客户', 'Customers'),
  titleField: 'name',
  fields: [
    { key: 'code', type: 'auto_number', label: label('编号', 'No.') },
    { key: 'name', type: 'text', label: label('姓名', 'Name'), required: true },
    { key: 'phone', type: 'phone', label: label('手机号', 'Mobile') },
    {
      key: 'tier',
      type: 'select',
      label: label('等级', 'Tier'),
      options: [{ value: 'S', label: label('S', 'S') }],
    },
    { key: 'tags', type: 'tags', label: label('标签', 'Tags') },
    { key: 'account_manager', type: 'user', label: label('顾问', 'Manager') },
    { key: 'note', type: 'long_text', label: label('备注', 'Notes') },
    { key: 'total_spent', type: 'rollup', label: label('累计', 'Spent') },
  ],
  access: { actions: ['read', 'update'], readOnly: [], masked: [], ...access },
})
const run = (state: TableState, ...actions: TableAction[]) => actions.reduce(tableReducer, state)
const rec = (id: string, values: Record<string, unknown> = {}): RecordJson => ({ id, version: 1, ...values })

describe('records table state', () => {
  it('starts with the title first and no long texts among the columns', () => {
    const columns = defaultColumns(customers())
    expect(columns[0]).toBe('name')
    expect(columns).not.toContain('note')
  })

  it('cycles a header click through ascending, descending and back to the default order', () => {
    const form = customers()
    const s0 = initialState(form, undefined)
    const s1 = run(s0, { type: 'sort', field: 'name' })
    expect(sortParam(s1.sort)).toBe('name')
    const s2 = run(s1, { type: 'sort', field: 'name' })
    expect(sortParam(s2.sort)).toBe('-name')
    expect(sortParam(run(s2, { type: 'sort', field: 'name' }).sort)).toBe('-id')
    // Another column starts ascending again.
    expect(run(s2, { type: 'sort', field: 'tier' }).sort).toEqual({ field: 'tier', descending: false })
  })

  it('hides, shows and moves columns, never leaving the table without one', () => {
    const s = { ...initialState(customers(), undefined), columns: ['name', 'phone'] }
    expect(run(s, { type: 'toggleColumn', field: 'phone' }).columns).toEqual(['name'])
    expect(
      run(s, { type: 'toggleColumn', field: 'phone' }, { type: 'toggleColumn', field: 'name' }).columns,
    ).toEqual(['name'])
    expect(run(s, { type: 'toggleColumn', field: 'tier' }).columns).toEqual(['name', 'phone', 'tier'])
    expect(run(s, { type: 'moveColumn', field: 'phone', by: -1 }).columns).toEqual(['phone', 'name'])
    expect(run(s, { type: 'moveColumn', field: 'name', by: -1 }).columns).toEqual(['name', 'phone'])
  })

  it('searches names by part and phones by their digits, a masked phone only by the whole number', () => {
    expect(phoneDigits('+86 139-1234-5678')).toBe('13912345678')
    const logic = searchLogic(customers(), '139 1234') as { or: unknown[] }
    expect(logic.or).toContainEqual({ contains: [{ var: 'phone' }, '1391234'] })
    expect(logic.or).toContainEqual({ icontains: [{ var: 'name' }, '139 1234'] })
    const maskedForm = customers({ masked: ['phone'] })
    expect(JSON.stringify(searchLogic(maskedForm, '139 1234'))).not.toContain('"phone"')
    for (const typed of ['13912345678', '139 1234 5678', '+86 139-1234-5678']) {
      const whole = searchLogic(maskedForm, typed) as { or: unknown[] }
      expect(whole.or).toContainEqual({ '==': [{ var: 'phone' }, '+8613912345678'] })
      expect(JSON.stringify(whole.or.filter((p) => JSON.stringify(p).includes('"phone"')))).toBe(
        JSON.stringify([{ '==': [{ var: 'phone' }, '+8613912345678'] }]),
      )
    }
    expect(wholePhone('+44 20 7946 0958')).toBe('+442079460958')
    expect(wholePhone('2079460958')).toBeUndefined()
    expect(searchLogic(customers(), '  ')).toBeUndefined()
  })

  it('ANDs the drill-down filter, the filter bar and the search, and can drop the drill-down', () => {
    const form = customers()
    const drill = { '==': [{ var: 'tier' }, 'S'] }
    const s = run(
      initialState(form, drill),
      { type: 'filterRows', rows: [{ field: 'total_spent', op: '>', value: '100' }] },
      { type: 'search', text: '王' },
    )
    const filter = effectiveFilter(form, s) as { and: unknown[] }
    expect(filter.and).toEqual([
      drill,
      { '>': [{ var: 'total_spent' }, 100] },
      expect.objectContaining({ or: expect.arrayContaining([{ icontains: [{ var: 'name' }, '王'] }]) }),
    ])
    const cleared = run(s, { type: 'clearUrlFilter' })
    expect(JSON.stringify(effectiveFilter(form, cleared))).not.toContain('"tier"')
    expect(effectiveFilter(form, initialState(form, undefined))).toBeUndefined()
  })

  it('reads ?filter= from the address and ignores a malformed one', () => {
    const logic = { '==': [{ var: 'tier' }, 'S'] }
    expect(parseUrlFilter(`?filter=${encodeURIComponent(JSON.stringify(logic))}`)).toEqual(logic)
    expect(parseUrlFilter('?filter=%7Bnot json')).toBeUndefined()
    expect(parseUrlFilter('')).toBeUndefined()
  })

  it('groups loaded rows by a field in order of first appearance', () => {
    const rows = [rec('1', { tier: 'S' }), rec('2', { tier: 'A' }), rec('3', { tier: 'S' }), rec('4')]
    expect(groupItems(rows, 'tier')).toEqual([
      { kind: 'group', key: '"S"', value: 'S', count: 2 },
      { kind: 'row', index: 0 },
      { kind: 'row', index: 2 },
      { kind: 'group', key: '"A"', value: 'A', count: 1 },
      { kind: 'row', index: 1 },
      { kind: 'group', key: 'null', value: null, count: 1 },
      { kind: 'row', index: 3 },
    ])
    expect(groupItems(rows, null)).toHaveLength(4)
  })

  it('renders only a window of a 100,000-row list', () => {
    expect(visibleRange(0, 800, 40, 100_000)).toEqual({ start: 0, end: 28 })
    const deep = visibleRange(40 * 50_000, 800, 40, 100_000)
    expect(deep).toEqual({ start: 49_992, end: 50_028 })
    expect(visibleRange(40 * 100_000, 800, 40, 100_000).end).toBe(100_000)
  })

  it('selects rows, and a new search clears the selection', () => {
    const s = run(
      initialState(customers(), undefined),
      { type: 'select', id: '1' },
      { type: 'select', id: '2' },
    )
    expect(s.selected).toEqual(['1', '2'])
    expect(run(s, { type: 'select', id: '1' }).selected).toEqual(['2'])
    expect(run(s, { type: 'search', text: 'x' }).selected).toEqual([])
  })

  it('applies a saved view, dropping fields that no longer exist or may not be sorted', () => {
    const form = customers({ masked: ['phone'] })
    const spec = sanitizeSpec(form, {
      columns: ['name', 'gone', 'phone'],
      sort: { field: 'phone', descending: true },
      groupBy: 'gone',
      rows: [{ field: 'gone', op: '==', value: '1' }],
    })
    const s = run(initialState(form, undefined), { type: 'applyView', spec })
    expect(viewSpecOf(s)).toEqual({
      columns: ['name', 'phone'],
      sort: null,
      filter: undefined,
      rows: [],
      groupBy: null,
    })
  })
})

describe('inline edits and bulk actions', () => {
  it('edits in place only what the viewer may change and a one-line editor can hold', () => {
    const form = customers({ readOnly: ['tier'], masked: ['phone'] })
    expect(canEditInline(form, 'name')).toBe(true)
    expect(canEditInline(form, 'tier')).toBe(false)
    expect(canEditInline(form, 'phone')).toBe(false)
    expect(canEditInline(form, 'note')).toBe(false)
    expect(canEditInline({ ...form, access: { ...form.access, actions: ['read'] } }, 'name')).toBe(false)
    expect(parseCellInput(form.fields[1]!, '  ')).toBeNull()
  })

  it("shows the server's field errors in the user's language, on the field they name", () => {
    const error = new ApiError(400, {
      code: 'VALIDATION_FAILED',
      message: 'phone: invalid',
      path: 'phone',
      details: [{ path: 'phone', code: 'field.invalid_phone', message: 'Not a valid phone number' }],
    })
    const zh = fieldErrorsOf(error, 'zh-CN')
    expect(Object.keys(zh)).toEqual(['phone'])
    expect(zh.phone).not.toBe('Not a valid phone number')
    expect(
      fieldErrorsOf(
        new ApiError(409, { code: 'VERSION_CONFLICT', message: 'changed', path: 'version' }),
        'en',
      ),
    ).toEqual({
      version: 'changed',
    })
  })

  it('offers tag, assign and delete by what the form has and the viewer may do', () => {
    expect(availableBulkActions(customers())).toEqual(['tag', 'assign'])
    expect(availableBulkActions(customers({ actions: ['read', 'update', 'delete'] }))).toEqual([
      'tag',
      'assign',
      'delete',
    ])
    expect(availableBulkActions(customers({ actions: ['read'] }))).toEqual([])
    expect(availableBulkActions(customers({ readOnly: ['tags', 'account_manager'] }))).toEqual([])
  })

  it('adds a tag only where it is missing, with each record’s version', () => {
    const tags = customers().fields.find((f) => f.key === 'tags')!
    const items = bulkUpdates(
      [rec('1', { tags: ['vip'] }), { ...rec('2', { tags: null }), version: 3 }],
      tags,
      'vip',
    )
    expect(items).toEqual([{ id: '2', version: 3, values: { tags: ['vip'] } }])
    expect(chunks([1, 2, 3], 2)).toEqual([[1, 2], [3]])
  })

  it('shows mainland phone numbers the way people write them', () => {
    expect(formatPhone('+8613912345678')).toBe('139 1234 5678')
    expect(formatPhone('139****5678')).toBe('139****5678')
  })
})

describe('cell formatting', () => {
  it('shows a long average at the field’s scale', () => {
    const avg = { key: 'avg', type: 'rollup' as const, label: label('客单价', 'Average') }
    expect(formatValue(avg, '62.3333333333333333', 'zh-CN')).toBe('62.33')
    expect(formatValue(avg, '9', 'zh-CN')).toBe('9')
  })
})
