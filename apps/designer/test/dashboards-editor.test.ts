import { describe, expect, it } from 'vitest'
import type { Dashboard } from '../src/api/reports'
import {
  dashboardReducer,
  emptyDashboard,
  layout,
  toDashboardInput,
  type DashboardAction,
  type DashboardDraft,
} from '../src/dashboards/state/dashboard-reducer'

const run = (...actions: DashboardAction[]): DashboardDraft =>
  actions.reduce(dashboardReducer, emptyDashboard)
const keys = (d: DashboardDraft) => d.widgets.map((w) => w.key)
const boxes = (d: DashboardDraft) => d.widgets.map((w) => [w.key, w.x, w.y, w.w])

describe('dashboard editor reducer', () => {
  it('adds report and KPI widgets that flow on the 12-column grid and wrap when a row is full', () => {
    const d = run(
      { type: 'addWidget', report: '1' },
      { type: 'addWidget', report: '2', chart: 'kpi' },
      { type: 'addWidget', report: '1' },
    )
    expect(boxes(d)).toEqual([
      ['w1', 0, 0, 6],
      ['w2', 6, 0, 3],
      ['w3', 0, 4, 6],
    ])
    expect(d.widgets[1]!.chart).toEqual({ type: 'kpi' })
    expect(d.dirty).toBe(true)
  })

  it('reorders by dropping a widget before another and resizes spans within the grid', () => {
    let d = run(
      { type: 'addWidget', report: '1' },
      { type: 'addWidget', report: '2' },
      { type: 'addWidget', report: '3' },
    )
    d = dashboardReducer(d, { type: 'moveWidget', key: 'w3', before: 'w1' })
    expect(keys(d)).toEqual(['w3', 'w1', 'w2'])
    d = dashboardReducer(d, { type: 'moveWidget', key: 'w3' })
    expect(keys(d)).toEqual(['w1', 'w2', 'w3'])
    d = dashboardReducer(d, { type: 'resize', key: 'w1', w: 12 })
    expect(boxes(d)).toEqual([
      ['w1', 0, 0, 12],
      ['w2', 0, 4, 6],
      ['w3', 6, 4, 6],
    ])
    d = dashboardReducer(d, { type: 'resize', key: 'w2', w: 40, h: 0 })
    expect(d.widgets[1]).toMatchObject({ w: 12, h: 1 })
    d = dashboardReducer(d, { type: 'resize', key: 'w2', w: 0 })
    expect(d.widgets[1]!.w).toBe(2)
    expect(keys(dashboardReducer(d, { type: 'removeWidget', key: 'w2' }))).toEqual(['w1', 'w3'])
  })

  it('adds global filters bound per widget, unbinds, and drops bindings with the filter', () => {
    let d = run({ type: 'addWidget', report: '1' }, { type: 'addWidget', report: '2' })
    d = dashboardReducer(d, {
      type: 'addFilter',
      filter: { key: 'period', type: 'date_range', label: { 'zh-CN': '日期' } },
      bind: { w1: 'ordered_at', w2: null },
    })
    expect(d.widgets.map((w) => w.bind)).toEqual([{ period: 'ordered_at' }, undefined])
    d = dashboardReducer(d, { type: 'bind', widget: 'w2', filter: 'period', field: 'created_at' })
    d = dashboardReducer(d, { type: 'bind', widget: 'w1', filter: 'period', field: null })
    expect(d.widgets.map((w) => w.bind)).toEqual([undefined, { period: 'created_at' }])
    // A key twice is refused, as the server would.
    expect(
      dashboardReducer(d, { type: 'addFilter', filter: { key: 'period', type: 'value' }, bind: {} }),
    ).toBe(d)
    d = dashboardReducer(d, { type: 'removeFilter', key: 'period' })
    expect(d.filters).toEqual([])
    expect(d.widgets.every((w) => w.bind === undefined)).toBe(true)
  })

  it('loads a saved dashboard in reading order and saves what the API takes', () => {
    const saved: Dashboard = {
      id: '4',
      app: 'crm',
      name: { 'zh-CN': '经营' },
      version: 2,
      filters: [{ key: 'store', type: 'value' }],
      widgets: [
        { key: 'w2', report: '9', x: 0, y: 4, w: 12, h: 4 },
        { key: 'w1', report: '8', x: 0, y: 0, w: 6, h: 4, bind: { store: 'store.name' } },
      ],
    }
    const d = dashboardReducer(emptyDashboard, { type: 'load', dashboard: saved })
    expect(keys(d)).toEqual(['w1', 'w2'])
    expect(d.dirty).toBe(false)
    const added = dashboardReducer(d, { type: 'addWidget', report: '8' })
    expect(keys(added)).toEqual(['w1', 'w2', 'w3'])
    expect(toDashboardInput(added)).toEqual({
      name: { 'zh-CN': '经营' },
      filters: [{ key: 'store', type: 'value' }],
      widgets: [
        { key: 'w1', report: '8', x: 0, y: 0, w: 6, h: 4, bind: { store: 'store.name' } },
        { key: 'w2', report: '9', x: 0, y: 4, w: 12, h: 4 },
        { key: 'w3', report: '8', x: 0, y: 8, w: 6, h: 4 },
      ],
    })
    expect(layout([])).toEqual([])
  })
})
