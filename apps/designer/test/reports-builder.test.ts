import { describe, expect, it } from 'vitest'
import type { SavedReport } from '../src/api/reports'
import {
  aggregationsFor,
  builderReducer,
  initialBuilderState,
  type BuilderAction,
  type BuilderState,
} from '../src/reports/state/builder-reducer'
import { paletteFields, type PaletteField } from '../src/reports/state/palette-fields'
import { fromSpec, toChart, toSpec } from '../src/reports/state/to-spec'
import { crmLike } from './support/reports-app'

const fields: PaletteField[] = paletteFields(crmLike, 'orders')
const field = (ref: string) => {
  const found = fields.find((f) => f.ref === ref)
  if (!found) throw new Error(`no palette field ${ref}`)
  return { ref: found.ref, use: found.use }
}
const run = (...actions: BuilderAction[]): BuilderState =>
  actions.reduce(builderReducer, builderReducer(initialBuilderState, { type: 'source', form: 'orders' }))

describe('report builder palette', () => {
  it("offers the form's fields with their use, then each relation's target fields through a join", () => {
    const refs = fields.map((f) => `${f.ref}:${f.use}`)
    expect(refs).toContain('amount:number')
    expect(refs).toContain('ordered_at:date')
    expect(refs).toContain('status:text')
    expect(refs).toContain('store.name:text')
    expect(refs).toContain('store.city:text')
    // A relation itself holds ids: it is reached through its target's fields instead.
    expect(refs.some((r) => r.startsWith('store:'))).toBe(false)
    expect(fields.find((f) => f.ref === 'store.name')?.via?.key).toBe('store')
  })
})

describe('report builder reducer', () => {
  it('turns drops into rows, columns, measures and filters, with defaults that fit the field', () => {
    const state = run(
      { type: 'drop', field: field('store.name'), zone: 'rows' },
      { type: 'drop', field: field('ordered_at'), zone: 'columns' },
      { type: 'drop', field: field('amount'), zone: 'measures' },
      { type: 'drop', field: { ref: '', use: 'number' }, zone: 'measures' },
      { type: 'drop', field: field('status'), zone: 'filters' },
    )
    expect(state.rows.map((d) => d.field)).toEqual(['store.name'])
    // Filters are conditions, added through the condition builder's rules (addCondition), not list items.
    expect(state.filter).toBeUndefined()
    expect(state.columns).toMatchObject([{ field: 'ordered_at', bucket: 'month' }])
    expect(state.measures).toMatchObject([{ field: 'amount', agg: 'sum' }, { agg: 'count' }])
    expect(state.measures[1]!.field).toBeUndefined()
  })

  it('refuses a field already grouped by, and a record count as a dimension', () => {
    const once = run({ type: 'drop', field: field('status'), zone: 'rows' })
    expect(builderReducer(once, { type: 'drop', field: field('status'), zone: 'columns' })).toBe(once)
    expect(builderReducer(once, { type: 'drop', field: { ref: '', use: 'number' }, zone: 'rows' })).toBe(once)
  })

  it('moves a dimension between rows and columns and reorders within a zone', () => {
    let state = run(
      { type: 'drop', field: field('status'), zone: 'rows' },
      { type: 'drop', field: field('channel'), zone: 'rows' },
    )
    state = builderReducer(state, {
      type: 'move',
      from: { zone: 'rows', index: 1 },
      to: { zone: 'rows', index: 0 },
    })
    expect(state.rows.map((d) => d.field)).toEqual(['channel', 'status'])
    state = builderReducer(state, { type: 'move', from: { zone: 'rows', index: 0 }, to: { zone: 'columns' } })
    expect(state.rows.map((d) => d.field)).toEqual(['status'])
    expect(state.columns.map((d) => d.field)).toEqual(['channel'])
    // A dimension is not a measure: moving it there changes nothing.
    expect(
      builderReducer(state, { type: 'move', from: { zone: 'rows', index: 0 }, to: { zone: 'measures' } }),
    ).toBe(state)
  })

  it('changes date grouping and aggregations only where the field allows them', () => {
    let state = run(
      { type: 'drop', field: field('ordered_at'), zone: 'rows' },
      { type: 'drop', field: field('status'), zone: 'columns' },
      { type: 'drop', field: field('status'), zone: 'measures' },
    )
    state = builderReducer(state, { type: 'bucket', zone: 'rows', index: 0, bucket: 'quarter' })
    state = builderReducer(state, { type: 'bucket', zone: 'columns', index: 0, bucket: 'year' })
    expect(state.rows[0]!.bucket).toBe('quarter')
    expect(state.columns[0]!.bucket).toBeUndefined()
    expect(builderReducer(state, { type: 'aggregation', index: 0, agg: 'sum' }).measures[0]!.agg).toBe(
      'count',
    )
    expect(
      builderReducer(state, { type: 'aggregation', index: 0, agg: 'count_distinct' }).measures[0]!.agg,
    ).toBe('count_distinct')
    expect(aggregationsFor('number')).toEqual(
      expect.arrayContaining(['sum', 'avg', 'min', 'max', 'count_distinct']),
    )
  })

  it('starts over when the source form changes', () => {
    const state = run({ type: 'drop', field: field('status'), zone: 'rows' })
    const other = builderReducer(state, { type: 'source', form: 'customers' })
    expect(other.source).toBe('customers')
    expect(other.rows).toEqual([])
  })
})

describe('the spec the builder produces', () => {
  it('orders by store × month, sum of amount, paid only, with totals', () => {
    const state = run(
      { type: 'drop', field: field('store.name'), zone: 'rows' },
      { type: 'drop', field: field('ordered_at'), zone: 'columns' },
      { type: 'drop', field: field('amount'), zone: 'measures' },
      { type: 'addCondition', condition: { '==': [{ var: 'status' }, 'paid'] } },
      { type: 'addCondition', condition: { '>=': [{ var: 'amount' }, 100] } },
    )
    const measureKey = `m${state.measures[0]!.id}`
    expect(toSpec(state, fields)).toEqual({
      source: 'orders',
      rows: [{ field: 'store.name' }],
      columns: [{ field: 'ordered_at', bucket: 'month' }],
      measures: [
        {
          key: measureKey,
          agg: 'sum',
          field: 'amount',
          label: { 'zh-CN': '实付金额（求和）', en: 'Amount paid (sum)' },
        },
      ],
      filter: { and: [{ '==': [{ var: 'status' }, 'paid'] }, { '>=': [{ var: 'amount' }, 100] }] },
      totals: { rows: true, columns: true },
    })
    expect(toChart(state)).toEqual({ type: 'bar', measure: measureKey })
  })

  it('counts records when no measure is chosen, and takes the filter the condition builder writes', () => {
    let state = run(
      { type: 'drop', field: field('channel'), zone: 'rows' },
      { type: 'addCondition', condition: { '==': [{ var: 'coupon_code' }, 'X'] } },
      { type: 'totals', on: false },
    )
    // The condition builder rewrites the whole filter; clearing it removes the filter from the spec.
    state = builderReducer(state, { type: 'filter', filter: { '!=': [{ var: 'coupon_code' }, null] } })
    expect(toSpec(state)).toEqual({
      source: 'orders',
      rows: [{ field: 'channel' }],
      measures: [{ key: 'count', agg: 'count', label: { 'zh-CN': '记录数', en: 'Records' } }],
      filter: { '!=': [{ var: 'coupon_code' }, null] },
    })
    expect(toSpec(builderReducer(state, { type: 'filter', filter: undefined }))!.filter).toBeUndefined()
  })

  it('loads a saved report back, keeping its filter and what it cannot edit, and saying when it drops something', () => {
    const report: SavedReport = {
      id: '7',
      app: 'crm',
      name: { 'zh-CN': '门店月销售' },
      version: 3,
      updatedAt: '2026-11-01T00:00:00Z',
      chart: { type: 'line', measure: 'amount' },
      spec: {
        source: 'orders',
        rows: [{ field: 'ordered_at', bucket: 'week' }],
        columns: [{ field: 'store.name' }],
        measures: [{ key: 'amount', agg: 'avg', field: 'amount' }],
        filter: {
          and: [
            { '==': [{ var: 'status' }, 'paid'] },
            { or: [{ '==': [{ var: 'channel' }, 'store'] }, false] },
          ],
        },
        top: [{ dimension: 'columns.0', n: 5 }],
        totals: { rows: true },
      },
    }
    const state = builderReducer(run(), { type: 'load', report, fields })
    expect(state.report).toEqual({ id: '7', version: 3, name: { 'zh-CN': '门店月销售' } })
    expect(state.chart).toBe('line')
    expect(state.lossy).toBeUndefined()
    const spec = toSpec(state, fields)!
    expect(spec.rows).toEqual([{ field: 'ordered_at', bucket: 'week' }])
    expect(spec.top).toEqual([{ dimension: 'columns.0', n: 5 }])
    expect(spec.filter).toEqual(report.spec.filter)
    expect(spec.measures).toMatchObject([{ agg: 'avg', field: 'amount' }])

    const ratio = fromSpec(
      {
        source: 'orders',
        measures: [
          { key: 'r', ratio: ['a', 'b'] },
          { key: 'a', agg: 'count' },
        ],
      },
      null,
      fields,
      1,
    )
    expect(ratio.lossy).toBe(true)
    expect(ratio.measures).toHaveLength(1)
  })
})
