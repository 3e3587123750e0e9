import type { ChartType } from '@trellis/report-engine'
import type {
  Dashboard,
  DashboardFilter,
  DashboardInput,
  DashboardWidget,
  LocalizedName,
} from '../../api/reports'

export const GRID_COLUMNS = 12
export const MIN_SPAN = 2
const DEFAULT_HEIGHT = 4

export interface DashboardDraft {
  id: string | null
  version: number | null
  name: LocalizedName
  filters: DashboardFilter[]
  /** In reading order; `x`/`y` are recomputed from the order and widths (see `layout`). */
  widgets: DashboardWidget[]
  nextKey: number
  dirty: boolean
}

export type DashboardAction =
  | { type: 'load'; dashboard: Dashboard }
  | { type: 'new' }
  | { type: 'rename'; name: LocalizedName }
  | { type: 'addWidget'; report: string; chart?: ChartType; title?: string; bind?: Record<string, string> }
  | { type: 'removeWidget'; key: string }
  /** Puts a widget before another one (or last without `before`). */
  | { type: 'moveWidget'; key: string; before?: string }
  | { type: 'resize'; key: string; w?: number; h?: number }
  | { type: 'addFilter'; filter: DashboardFilter; bind: Record<string, string | null> }
  | { type: 'removeFilter'; key: string }
  | { type: 'bind'; widget: string; filter: string; field: string | null }
  | { type: 'saved'; dashboard: Dashboard }

export const emptyDashboard: DashboardDraft = {
  id: null,
  version: null,
  name: {},
  filters: [],
  widgets: [],
  nextKey: 1,
  dirty: false,
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)))

/**
 * Positions on the 12-column grid from reading order: widgets flow left to right and wrap when the row
 * is full; a row is as tall as its tallest widget. The server stores x/y/w/h; the order is the truth here.
 */
export function layout(widgets: readonly DashboardWidget[]): DashboardWidget[] {
  let x = 0
  let y = 0
  let rowHeight = 0
  return widgets.map((widget) => {
    const w = clamp(widget.w, 1, GRID_COLUMNS)
    if (x + w > GRID_COLUMNS) {
      x = 0
      y += rowHeight
      rowHeight = 0
    }
    const placed = { ...widget, x, y, w }
    x += w
    rowHeight = Math.max(rowHeight, widget.h)
    return placed
  })
}

/** A loaded dashboard's widgets in reading order (top to bottom, left to right). */
const readingOrder = (widgets: readonly DashboardWidget[]) =>
  [...widgets].sort((a, b) => a.y - b.y || a.x - b.x)

function nextFree(widgets: readonly DashboardWidget[], start: number): number {
  let n = start
  while (widgets.some((w) => w.key === `w${n}`)) n++
  return n
}

const edit = (draft: DashboardDraft, widgets: DashboardWidget[], extra: Partial<DashboardDraft> = {}) => ({
  ...draft,
  ...extra,
  widgets: layout(widgets),
  dirty: true,
})

export function dashboardReducer(draft: DashboardDraft, action: DashboardAction): DashboardDraft {
  switch (action.type) {
    case 'load': {
      const widgets = layout(readingOrder(action.dashboard.widgets))
      return {
        id: action.dashboard.id,
        version: action.dashboard.version,
        name: action.dashboard.name,
        filters: action.dashboard.filters,
        widgets,
        nextKey: nextFree(widgets, 1),
        dirty: false,
      }
    }
    case 'new':
      return emptyDashboard
    case 'rename':
      return { ...draft, name: action.name, dirty: true }
    case 'addWidget': {
      const n = nextFree(draft.widgets, draft.nextKey)
      const kpi = action.chart === 'kpi'
      const bind = Object.fromEntries(Object.entries(action.bind ?? {}))
      const widget: DashboardWidget = {
        key: `w${n}`,
        report: action.report,
        x: 0,
        y: 0,
        w: kpi ? 3 : 6,
        h: kpi ? 3 : DEFAULT_HEIGHT,
        ...(action.chart ? { chart: { type: action.chart } } : {}),
        ...(action.title ? { title: action.title } : {}),
        ...(Object.keys(bind).length ? { bind } : {}),
      }
      return edit(draft, [...draft.widgets, widget], { nextKey: n + 1 })
    }
    case 'removeWidget':
      return edit(
        draft,
        draft.widgets.filter((w) => w.key !== action.key),
      )
    case 'moveWidget': {
      const moving = draft.widgets.find((w) => w.key === action.key)
      if (!moving || action.before === action.key) return draft
      const rest = draft.widgets.filter((w) => w.key !== action.key)
      const at = action.before ? rest.findIndex((w) => w.key === action.before) : -1
      const widgets = at < 0 ? [...rest, moving] : [...rest.slice(0, at), moving, ...rest.slice(at)]
      return edit(draft, widgets)
    }
    case 'resize':
      return edit(
        draft,
        draft.widgets.map((w) =>
          w.key === action.key
            ? {
                ...w,
                ...(action.w !== undefined ? { w: clamp(action.w, MIN_SPAN, GRID_COLUMNS) } : {}),
                ...(action.h !== undefined ? { h: clamp(action.h, 1, 12) } : {}),
              }
            : w,
        ),
      )
    case 'addFilter': {
      if (draft.filters.some((f) => f.key === action.filter.key)) return draft
      const widgets = draft.widgets.map((w) => {
        const field = action.bind[w.key]
        return field ? { ...w, bind: { ...w.bind, [action.filter.key]: field } } : w
      })
      return edit(draft, widgets, { filters: [...draft.filters, action.filter] })
    }
    case 'removeFilter': {
      const widgets = draft.widgets.map((w) => {
        if (!w.bind || !(action.key in w.bind)) return w
        const { [action.key]: _gone, ...bind } = w.bind
        const { bind: _old, ...rest } = w
        return Object.keys(bind).length ? { ...rest, bind } : rest
      })
      return edit(draft, widgets, { filters: draft.filters.filter((f) => f.key !== action.key) })
    }
    case 'bind': {
      const widgets = draft.widgets.map((w) => {
        if (w.key !== action.widget) return w
        const { [action.filter]: _old, ...bind } = w.bind ?? {}
        const next = action.field ? { ...bind, [action.filter]: action.field } : bind
        const { bind: _b, ...rest } = w
        return Object.keys(next).length ? { ...rest, bind: next } : rest
      })
      return edit(draft, widgets)
    }
    case 'saved':
      return { ...dashboardReducer(draft, { type: 'load', dashboard: action.dashboard }) }
  }
}

/** What PUT/POST /dashboards takes. */
export function toDashboardInput(draft: DashboardDraft): DashboardInput {
  return { name: draft.name, filters: draft.filters, widgets: layout(draft.widgets) }
}
