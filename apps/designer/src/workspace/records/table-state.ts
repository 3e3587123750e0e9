import type { FieldDef } from '@trellis/form-engine'
import type { WorkspaceForm } from '../../api/workspace'

/** One row of the simple filter bar: `field op value`, compiled to JsonLogic. */
export interface FilterRow {
  field: string
  op: FilterOp
  value: string
}
export const FILTER_OPS = ['==', '!=', '>', '<', 'contains', 'is_empty', 'not_empty'] as const
export type FilterOp = (typeof FILTER_OPS)[number]

export interface SortSpec {
  field: string
  descending: boolean
}

/** What a saved view stores: the table's shape, never its rows or selection. */
export interface ViewSpec {
  columns: string[]
  sort: SortSpec | null
  /** JsonLogic of the filter bar (either the condition builder's value or the simple rows below). */
  filter: unknown
  rows: FilterRow[]
  groupBy: string | null
}

export interface TableState extends ViewSpec {
  /** The drill-down filter from `?filter=` (a dashboard's chart point); AND-ed with everything else. */
  urlFilter: unknown
  search: string
  selected: string[]
}

export type TableAction =
  | { type: 'sort'; field: string }
  | { type: 'toggleColumn'; field: string }
  | { type: 'moveColumn'; field: string; by: -1 | 1 }
  | { type: 'search'; text: string }
  | { type: 'filterRows'; rows: FilterRow[] }
  | { type: 'filterLogic'; logic: unknown }
  | { type: 'clearUrlFilter' }
  | { type: 'group'; field: string | null }
  | { type: 'select'; id: string }
  | { type: 'selectAll'; ids: string[] }
  | { type: 'clearSelection' }
  | { type: 'applyView'; spec: Partial<ViewSpec> }

/** Fields a table cell can show: not long texts or attachments by default (they make rows tall). */
const compactTypes = new Set<FieldDef['type']>([
  'text',
  'number',
  'decimal',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
  'select',
  'tags',
  'multi_select',
  'email',
  'phone',
  'url',
  'user',
  'relation',
  'formula',
  'rollup',
  'auto_number',
])

export const liveFields = (form: WorkspaceForm) => form.fields.filter((f) => !f.archived)

/** Sorting needs a scalar column the viewer may order by (masked fields are refused by the server). */
export function sortable(form: WorkspaceForm, key: string): boolean {
  const field = form.fields.find((f) => f.key === key)
  if (!field || form.access.masked.includes(key)) return false
  return !['tags', 'multi_select', 'attachment'].includes(field.type)
}

/** Groupable: a single choice, so every row falls in exactly one group. */
export const groupable = (form: WorkspaceForm) =>
  liveFields(form).filter((f) => f.type === 'select' || f.type === 'boolean' || f.type === 'relation')

/** The title, then how to reach someone, then what people sort and group by; numbering and notes last. */
const columnRank = (field: FieldDef, title: string | undefined) =>
  field.key === title
    ? 0
    : field.type === 'phone' || field.type === 'email'
      ? 1
      : field.type === 'select' || field.type === 'relation' || field.type === 'tags'
        ? 2
        : field.type === 'rollup' || field.indexed
          ? 3
          : field.type === 'auto_number'
            ? 5
            : 4

export function defaultColumns(form: WorkspaceForm, max = 7): string[] {
  const fields = liveFields(form).filter((f) => compactTypes.has(f.type))
  const ranked = fields
    .map((field, index) => ({ field, index, rank: columnRank(field, form.titleField) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
  return ranked.slice(0, max).map((r) => r.field.key)
}

export function initialState(form: WorkspaceForm, urlFilter: unknown): TableState {
  return {
    columns: defaultColumns(form),
    sort: null,
    filter: undefined,
    rows: [],
    groupBy: null,
    urlFilter,
    search: '',
    selected: [],
  }
}

export function tableReducer(state: TableState, action: TableAction): TableState {
  switch (action.type) {
    case 'sort': {
      // asc → desc → none: a third click gives back the server's default order (newest ids).
      const current = state.sort?.field === action.field ? state.sort : null
      const sort = !current
        ? { field: action.field, descending: false }
        : !current.descending
          ? { field: action.field, descending: true }
          : null
      return { ...state, sort }
    }
    case 'toggleColumn': {
      const shown = state.columns.includes(action.field)
      if (shown && state.columns.length === 1) return state
      return {
        ...state,
        columns: shown ? state.columns.filter((c) => c !== action.field) : [...state.columns, action.field],
      }
    }
    case 'moveColumn': {
      const index = state.columns.indexOf(action.field)
      const target = index + action.by
      if (index < 0 || target < 0 || target >= state.columns.length) return state
      const columns = [...state.columns]
      columns.splice(index, 1)
      columns.splice(target, 0, action.field)
      return { ...state, columns }
    }
    case 'search':
      return { ...state, search: action.text, selected: [] }
    case 'filterRows':
      return { ...state, rows: action.rows, filter: undefined, selected: [] }
    case 'filterLogic':
      return { ...state, filter: action.logic, rows: [], selected: [] }
    case 'clearUrlFilter':
      return { ...state, urlFilter: undefined, selected: [] }
    case 'group':
      return { ...state, groupBy: action.field }
    case 'select':
      return {
        ...state,
        selected: state.selected.includes(action.id)
          ? state.selected.filter((id) => id !== action.id)
          : [...state.selected, action.id],
      }
    case 'selectAll':
      return { ...state, selected: action.ids }
    case 'clearSelection':
      return { ...state, selected: [] }
    case 'applyView': {
      const spec = action.spec
      return {
        ...state,
        columns: spec.columns?.length ? spec.columns : state.columns,
        sort: spec.sort ?? null,
        filter: spec.filter,
        rows: spec.rows ?? [],
        groupBy: spec.groupBy ?? null,
        selected: [],
      }
    }
  }
}

/** Keeps only what still exists and the viewer may see: a saved view may outlive a field. */
export function sanitizeSpec(form: WorkspaceForm, spec: Partial<ViewSpec>): Partial<ViewSpec> {
  const keys = new Set(liveFields(form).map((f) => f.key))
  const out: Partial<ViewSpec> = { ...spec }
  if (spec.columns) out.columns = spec.columns.filter((c) => keys.has(c))
  if (spec.sort && !sortable(form, spec.sort.field)) out.sort = null
  if (spec.groupBy && !keys.has(spec.groupBy)) out.groupBy = null
  if (spec.rows) out.rows = spec.rows.filter((r) => keys.has(r.field))
  return out
}

export const viewSpecOf = (state: TableState): ViewSpec => ({
  columns: state.columns,
  sort: state.sort,
  filter: state.filter,
  rows: state.rows,
  groupBy: state.groupBy,
})

export const sortParam = (sort: SortSpec | null) =>
  sort ? `${sort.descending ? '-' : ''}${sort.field}` : '-id'

function rowLogic(form: WorkspaceForm, row: FilterRow): unknown {
  const field = form.fields.find((f) => f.key === row.field)
  const ref = { var: row.field }
  if (row.op === 'is_empty') return { is_empty: [ref] }
  if (row.op === 'not_empty') return { '!': { is_empty: [ref] } }
  if (row.value === '') return undefined
  const numeric = field && ['number', 'decimal', 'currency', 'percent', 'rollup'].includes(field.type)
  const value: unknown =
    field?.type === 'boolean'
      ? row.value === 'true'
      : numeric && row.op !== 'contains'
        ? Number(row.value)
        : row.value
  if (row.op === 'contains') {
    if (field?.type === 'tags' || field?.type === 'multi_select') return { has_any: [ref, [row.value]] }
    return { icontains: [ref, row.value] }
  }
  return { [row.op]: [ref, value] }
}

/** Searching by phone: what the user typed, as the digits a stored E.164 number contains. */
export function phoneDigits(text: string): string {
  const digits = text.replace(/\D/g, '')
  // A mainland number typed with its country code (+86 139…) matches the stored `+86139…` either way.
  return digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits
}

/**
 * A whole phone number as the server stores it (E.164), or undefined while the text is only part of one:
 * a mainland mobile with or without +86, any other number with its leading `+`.
 */
export function wholePhone(text: string): string | undefined {
  const digits = phoneDigits(text)
  if (/^1\d{10}$/.test(digits)) return `+86${digits}`
  return text.trim().startsWith('+') && digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined
}

/**
 * The quick search: the title and short texts by part, phones by their digits. A masked field is only
 * looked up by its whole value (the server refuses anything partial): the full phone number, the exact
 * WeChat id — so the counter finds a customer by the number they say without seeing it.
 */
export function searchLogic(form: WorkspaceForm, text: string): unknown {
  const query = text.trim()
  if (!query) return undefined
  const masked = new Set(form.access.masked)
  const parts: unknown[] = []
  const digits = phoneDigits(query)
  const phone = wholePhone(query)
  for (const field of liveFields(form)) {
    const ref = { var: field.key }
    if (masked.has(field.key)) {
      if (field.type === 'phone' && phone) parts.push({ '==': [ref, phone] })
      if (['text', 'email'].includes(field.type)) parts.push({ '==': [ref, query] })
      continue
    }
    if (field.type === 'phone' && digits.length >= 3) parts.push({ contains: [ref, digits] })
    if (
      ['text', 'email', 'auto_number'].includes(field.type) &&
      (field.key === form.titleField || parts.length < 6)
    )
      parts.push({ icontains: [ref, query] })
  }
  if (!parts.length) return undefined
  return parts.length === 1 ? parts[0] : { or: parts }
}

/** Everything that narrows the table, AND-ed: drill-down, filter bar, search. */
export function effectiveFilter(form: WorkspaceForm, state: TableState): unknown {
  const parts = [
    state.urlFilter,
    state.filter,
    ...state.rows.map((row) => rowLogic(form, row)),
    searchLogic(form, state.search),
  ].filter((part) => part !== undefined && part !== null)
  if (!parts.length) return undefined
  return parts.length === 1 ? parts[0] : { and: parts }
}

/** Reads `?filter=` (JsonLogic as JSON); a malformed one is ignored rather than breaking the view. */
export function parseUrlFilter(search: string): unknown {
  const text = new URLSearchParams(search).get('filter')
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** A virtual list item: a group header or a record (by index into the loaded rows). */
export type ListItem =
  { kind: 'group'; key: string; value: unknown; count: number } | { kind: 'row'; index: number }

/**
 * Rows grouped by one field's value, groups in order of first appearance (the server's sort decides),
 * as one flat list the windowing component can render. Without grouping every row is one item.
 */
export function groupItems(rows: ReadonlyArray<Record<string, unknown>>, groupBy: string | null): ListItem[] {
  if (!groupBy) return rows.map((_, index) => ({ kind: 'row', index }))
  const groups = new Map<string, { value: unknown; indexes: number[] }>()
  rows.forEach((row, index) => {
    const value = row[groupBy] ?? null
    const key = JSON.stringify(value)
    const group = groups.get(key) ?? { value, indexes: [] }
    group.indexes.push(index)
    groups.set(key, group)
  })
  const items: ListItem[] = []
  for (const [key, group] of groups) {
    items.push({ kind: 'group', key, value: group.value, count: group.indexes.length })
    for (const index of group.indexes) items.push({ kind: 'row', index })
  }
  return items
}

/** The window of a fixed-height list to render: the visible items plus some overscan either side. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  itemHeight: number,
  total: number,
  overscan = 8,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / itemHeight)
  const count = Math.ceil(viewport / itemHeight)
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(total, first + count + overscan),
  }
}
