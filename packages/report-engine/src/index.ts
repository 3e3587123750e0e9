// Public API of @trellis/report-engine: PivotSpec → one SQL query; rows → grid → chart option; drill-down;
// retention analytics as spec builders. Pure: compiles, never connects. See docs/reports.md.
export type * from './types.js'
export { ReportError } from './errors.js'
export { DEFAULT_TIME_ZONE, type PivotSchema } from './schema.js'
export type { CompiledSql } from './sql/compile-only.js'
export type { DimensionMeta } from './sql/dimensions.js'
export type { MeasureMeta } from './sql/measures.js'
export {
  compilePivot,
  MAX_DIMENSIONS,
  type CompileOptions,
  type CompiledPivot,
  type PivotMeta,
  type TopMeta,
} from './compile-pivot.js'
export {
  toGrid,
  type PivotGrid,
  type GridHeader,
  type HeaderCell,
  type CellValue,
  type GridOptions,
} from './grid/to-grid.js'
export { type Locale } from './grid/labels.js'
export { toTable, type PivotTable } from './grid/to-table.js'
export { toChartOption, chartTypes } from './charts/registry.js'
export type { ChartSpec, ChartType, EChartsOption } from './charts/chart.js'
export { drillDown, type DrillCell } from './drill-down.js'
export { compileDrill, type CompiledDrill } from './compile-drill.js'
export {
  compileBasketPairs,
  type BasketPairRow,
  type BasketPairsOptions,
  type BasketPairsSpec,
} from './basket-pairs.js'
export type { OrdersModel } from './retention/model.js'
export { rfmSpec, type RfmOptions } from './retention/rfm.js'
export { cohortSpec } from './retention/cohort.js'
export { repurchaseSpec, churnSpec, clvSpec, aovSpec, newVsReturningSpec } from './retention/rates.js'
export {
  chineseSegments,
  englishSegments,
  segmentCondition,
  segmentOf,
  type SegmentMap,
  type SegmentRule,
} from './retention/segments.js'
