import type { LocalizedText } from '@trellis/form-engine'
import type { Aggregation, ChartSpec, ChartType, Dimension, Measure, PivotSpec } from '@trellis/report-engine'
import type { BuilderState, DimensionItem, MeasureItem } from './builder-reducer'
import type { FieldUse, PaletteField } from './palette-fields'

/** The key a measure has in the spec and the grid (stable across edits of its aggregation). */
export const measureKey = (item: Pick<MeasureItem, 'id'>) => `m${item.id}`

const dimension = (d: DimensionItem): Dimension => ({
  field: d.field,
  ...(d.bucket ? { bucket: d.bucket } : {}),
})

const AGG_WORDS: Record<Aggregation, { 'zh-CN': string; en: string }> = {
  count: { 'zh-CN': '计数', en: 'count' },
  count_distinct: { 'zh-CN': '去重计数', en: 'distinct count' },
  sum: { 'zh-CN': '求和', en: 'sum' },
  avg: { 'zh-CN': '平均', en: 'average' },
  min: { 'zh-CN': '最小', en: 'min' },
  max: { 'zh-CN': '最大', en: 'max' },
  median: { 'zh-CN': '中位数', en: 'median' },
}

/** "实付金额（求和）" / "Amount paid (sum)": the series and column name a measure gets. */
function measureLabel(m: MeasureItem, fields: readonly PaletteField[]): LocalizedText | undefined {
  const field = m.field ? fields.find((f) => f.ref === m.field) : undefined
  if (!field) return m.field ? undefined : { 'zh-CN': '记录数', en: 'Records' }
  const zh = `${field.via ? `${field.via.label['zh-CN'] ?? field.via.key}·` : ''}${field.label['zh-CN'] ?? field.ref}`
  const en = `${field.via ? `${field.via.label.en ?? field.via.key} ` : ''}${field.label.en ?? field.ref}`
  const word = AGG_WORDS[m.agg]
  return { 'zh-CN': `${zh}（${word['zh-CN']}）`, en: `${en} (${word.en})` }
}

const measure = (m: MeasureItem, fields: readonly PaletteField[]): Measure => {
  const label = measureLabel(m, fields)
  return {
    key: measureKey(m),
    agg: m.agg,
    ...(m.field ? { field: m.field } : {}),
    ...(label ? { label } : {}),
  }
}

/**
 * The PivotSpec the builder's state stands for (null without a source form). Without a measure the pivot
 * counts records, so a first drag of a dimension already shows numbers.
 */
export function toSpec(state: BuilderState, fields: readonly PaletteField[] = []): PivotSpec | null {
  if (!state.source) return null
  const measures = state.measures.length
    ? state.measures.map((m) => measure(m, fields))
    : [{ key: 'count', agg: 'count' as const, label: { 'zh-CN': '记录数', en: 'Records' } }]
  return {
    source: state.source,
    ...state.kept,
    ...(state.rows.length ? { rows: state.rows.map(dimension) } : {}),
    ...(state.columns.length ? { columns: state.columns.map(dimension) } : {}),
    measures,
    ...(state.filter !== undefined ? { filter: state.filter } : {}),
    ...(state.totals ? { totals: { rows: true, columns: state.columns.length > 0 } } : {}),
  }
}

/** The chart saved with the report: its type, over the first measure. */
export function toChart(state: BuilderState): ChartSpec {
  const first = state.measures[0]
  return { type: state.chart, ...(first ? { measure: measureKey(first) } : {}) }
}

/**
 * A saved report back into builder state. What the builder cannot edit is kept (related values, windows,
 * sort, top-N) or, for dimensions and measures it cannot show, reported
 * as `lossy` so the screen can say so before a save drops them.
 */
export function fromSpec(
  spec: PivotSpec,
  chart: ChartSpec | null,
  fields: readonly PaletteField[],
  nextId: number,
): BuilderState {
  let id = nextId
  let lossy = false
  const useOf = (ref: string): FieldUse => fields.find((f) => f.ref === ref)?.use ?? 'text'
  const dims = (list: Dimension[] | undefined): DimensionItem[] =>
    (list ?? []).flatMap((d) => {
      if (!('field' in d) || d.bin) {
        lossy = true
        return []
      }
      return [{ id: id++, field: d.field, use: useOf(d.field), ...(d.bucket ? { bucket: d.bucket } : {}) }]
    })
  const rows = dims(spec.rows)
  const columns = dims(spec.columns)
  const measures: MeasureItem[] = spec.measures.flatMap((m) => {
    if (!('agg' in m) || m.where !== undefined || (m.showAs !== undefined && m.showAs !== 'value')) {
      lossy = true
      return []
    }
    return [{ id: id++, agg: m.agg, ...(m.field ? { field: m.field, use: useOf(m.field) } : {}) }]
  })
  const kept = Object.fromEntries(
    (['related', 'windows', 'sort', 'top'] as const)
      .filter((k) => spec[k] !== undefined)
      .map((k) => [k, spec[k]]),
  )
  const type: ChartType = chart?.type ?? 'table'
  return {
    source: spec.source,
    rows,
    columns,
    measures,
    ...(spec.filter !== undefined && spec.filter !== null ? { filter: spec.filter } : {}),
    ...(Object.keys(kept).length ? { kept } : {}),
    ...(lossy ? { lossy } : {}),
    chart: type,
    totals: Boolean(spec.totals?.rows || spec.totals?.columns),
    report: null,
    nextId: id,
  }
}
