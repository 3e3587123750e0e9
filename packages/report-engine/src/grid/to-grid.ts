import { dimColumn, dimensionIndex, measureColumn, othersColumn, type PivotMeta } from '../compile-pivot.js'
import type { DimensionMeta } from '../sql/dimensions.js'
import type { MeasureMeta } from '../sql/measures.js'
import type { PivotSpec } from '../types.js'
import { localized, valueLabel, word, type Locale } from './labels.js'

export interface HeaderCell {
  value: string | number | boolean | null
  label: string
  /** The "others" bucket of a top-N dimension. */
  others?: boolean
}

/** A row or column of the grid: the values of its first `level` dimensions; fewer than all means a (sub)total. */
export interface GridHeader {
  key: string
  level: number
  cells: HeaderCell[]
  total: boolean
  label: string
}

export type CellValue = number | string | null

export interface PivotGrid {
  rowDimensions: DimensionMeta[]
  columnDimensions: DimensionMeta[]
  measures: MeasureMeta[]
  rows: GridHeader[]
  columns: GridHeader[]
  /** `values[row][column][measure]`, after `showAs`. */
  values: CellValue[][][]
  /** The same before `showAs`. */
  raw: CellValue[][][]
  /** Per top-N dimension path, the values shown by name (the "others" bucket is everything else). */
  topValues: Record<string, Array<string | number | boolean>>
  locale: Locale
}

export interface GridOptions {
  locale?: Locale
}

type Row = Record<string, unknown>

function normalizeDimension(value: unknown, meta: DimensionMeta): HeaderCell['value'] {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (meta.kind === 'bin' || meta.kind === 'offset') return Number(value)
  if (meta.kind === 'value' && (meta.fieldType === 'number' || meta.fieldType === 'decimal')) {
    // Ids and bigints arrive as exact strings; keep those that do not fit a double as text.
    const n = Number(value)
    return Number.isSafeInteger(n) || !Number.isInteger(n) ? n : String(value)
  }
  if (typeof value === 'boolean' || typeof value === 'number') return value
  return String(value)
}

function normalizeMeasure(value: unknown, meta: MeasureMeta): CellValue {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (
    (meta.agg === 'min' || meta.agg === 'max') &&
    meta.fieldType !== 'number' &&
    meta.fieldType !== 'decimal'
  )
    return String(value)
  return Number(value)
}

function compareValues(a: HeaderCell, b: HeaderCell): number {
  if (Boolean(a.others) !== Boolean(b.others)) return a.others ? 1 : -1
  if (a.value === b.value) return 0
  if (a.value === null) return 1
  if (b.value === null) return -1
  if (typeof a.value === 'number' && typeof b.value === 'number') return a.value - b.value
  return String(a.value) < String(b.value) ? -1 : 1
}

/**
 * The rows of a compiled pivot → a matrix: row and column headers (with subtotal and total headers placed
 * after what they sum), and each cell's measures. Sorting follows `spec.sort` level by level.
 */
export function toGrid(
  rows: readonly Row[],
  spec: PivotSpec,
  meta: PivotMeta,
  options: GridOptions = {},
): PivotGrid {
  const locale = options.locale ?? 'zh-CN'
  const nr = meta.rows.length
  const nc = meta.columns.length
  const n = nr + nc
  const topIndexes = new Set(meta.top.map((t) => dimensionIndex(t.dimension, nr, nc, 'top')))
  const rowHeaders = new Map<string, GridHeader>()
  const colHeaders = new Map<string, GridHeader>()
  const cells = new Map<string, CellValue[]>()
  const topValues: Record<string, Array<string | number | boolean>> = {}

  const header = (dims: DimensionMeta[], offset: number, row: Row, grouping: number): GridHeader => {
    let level = 0
    const hcells: HeaderCell[] = []
    for (let i = 0; i < dims.length; i++) {
      const aggregated = (grouping >> (n - 1 - (offset + i))) & 1
      if (aggregated) break
      level++
      const dm = dims[i]!
      const value = normalizeDimension(row[dimColumn(offset + i)], dm)
      const others = topIndexes.has(offset + i) && row[othersColumn(offset + i)] === true
      hcells.push({
        value: others ? null : value,
        label: valueLabel(value, dm, locale, others),
        ...(others ? { others } : {}),
      })
      if (topIndexes.has(offset + i) && !others && value !== null) {
        const list = (topValues[dm.path] ??= [])
        if (!list.includes(value)) list.push(value)
      }
    }
    const key = JSON.stringify([level, hcells.map((c) => [c.value, c.others ?? false])])
    const total = level < dims.length
    const label =
      dims.length === 0
        ? word('total', locale)
        : total
          ? level === 0
            ? word('total', locale)
            : `${hcells.at(-1)!.label} ${word('subtotal', locale)}`
          : hcells.map((c) => c.label).join(' / ')
    return { key, level, cells: hcells, total, label }
  }

  for (const row of rows) {
    const grouping = n ? Number(row.g ?? 0) : 0
    const r = header(meta.rows, 0, row, grouping)
    const c = header(meta.columns, nr, row, grouping)
    if (!rowHeaders.has(r.key)) rowHeaders.set(r.key, r)
    if (!colHeaders.has(c.key)) colHeaders.set(c.key, c)
    cells.set(
      `${r.key}|${c.key}`,
      meta.measures.map((m, i) => normalizeMeasure(row[measureColumn(i)], m)),
    )
  }

  const raw = (r: GridHeader, c: GridHeader) => cells.get(`${r.key}|${c.key}`)
  const columns = sortHeaders([...colHeaders.values()], spec, meta, 'columns', (h, m) => {
    const totalRow = [...rowHeaders.values()].find((x) => x.level === 0)
    return (totalRow ? raw(totalRow, h) : undefined)?.[m] ?? null
  })
  const rowsSorted = sortHeaders([...rowHeaders.values()], spec, meta, 'rows', (h, m) => {
    const col = columns.find((x) => x.level === 0) ?? columns[0]
    return (col ? raw(h, col) : undefined)?.[m] ?? null
  })

  const rawValues = rowsSorted.map((r) => columns.map((c) => raw(r, c) ?? meta.measures.map(() => null)))
  const values = applyShowAs(rawValues, rowsSorted, columns, meta.measures)
  return {
    rowDimensions: meta.rows,
    columnDimensions: meta.columns,
    measures: meta.measures.map((m) => ({ ...m, label: m.label })),
    rows: rowsSorted,
    columns,
    values,
    raw: rawValues,
    topValues,
    locale,
  }
}

/** Hierarchical order: siblings by value (or by a measure), each (sub)total after what it sums. */
function sortHeaders(
  headers: GridHeader[],
  spec: PivotSpec,
  meta: PivotMeta,
  axis: 'rows' | 'columns',
  measureOf: (h: GridHeader, measure: number) => CellValue,
): GridHeader[] {
  const byPrefix = new Map<string, GridHeader>()
  for (const h of headers) byPrefix.set(JSON.stringify(h.cells.map((c) => [c.value, c.others ?? false])), h)
  const depth = axis === 'rows' ? meta.rows.length : meta.columns.length
  const rules: Array<{ measure?: number; direction: number }> = Array.from({ length: depth }, () => ({
    direction: 1,
  }))
  const measureKeys = meta.measures.map((m) => m.key)
  for (const s of spec.sort ?? []) {
    const direction = s.direction === 'desc' ? -1 : 1
    const mi = measureKeys.indexOf(s.by)
    if (mi >= 0) {
      // A measure sort orders the innermost level of the rows (or columns) axis by that measure.
      if (axis === 'rows' && depth) rules[depth - 1] = { measure: mi, direction }
      continue
    }
    const m = /^(rows|columns)\.(\d+)$/.exec(s.by)
    if (m && m[1] === axis && Number(m[2]) < depth) rules[Number(m[2])] = { direction }
  }
  const sortValue = (h: GridHeader, level: number, measure: number): CellValue => {
    const prefix = h.cells.slice(0, level + 1)
    const owner = byPrefix.get(JSON.stringify(prefix.map((c) => [c.value, c.others ?? false])))
    return owner ? measureOf(owner, measure) : null
  }
  return headers.sort((a, b) => {
    const common = Math.min(a.level, b.level)
    for (let i = 0; i < common; i++) {
      const ca = a.cells[i]!
      const cb = b.cells[i]!
      const rule = rules[i]!
      let d = compareValues(ca, cb)
      if (d === 0) continue
      if (rule.measure !== undefined && !ca.others && !cb.others) {
        const va = sortValue(a, i, rule.measure)
        const vb = sortValue(b, i, rule.measure)
        if (va !== vb) {
          if (va === null) return 1
          if (vb === null) return -1
          d = (va < vb ? -1 : 1) * rule.direction
          return d
        }
        return d
      }
      return ca.others || cb.others ? d : d * rule.direction
    }
    return b.level - a.level
  })
}

function applyShowAs(
  raw: CellValue[][][],
  rows: GridHeader[],
  columns: GridHeader[],
  measures: MeasureMeta[],
): CellValue[][][] {
  // With no dimensions on an axis, its single header is that axis' total.
  const totalRow = rows.findIndex((r) => r.level === 0)
  const totalCol = columns.findIndex((c) => c.level === 0)
  const firstCol = columns.findIndex((c) => !c.total)
  const share = (v: CellValue, d: CellValue | undefined) =>
    typeof v === 'number' && typeof d === 'number' && d !== 0 ? v / d : null
  return raw.map((row, ri) =>
    row.map((cell, ci) =>
      cell.map((v, mi) => {
        switch (measures[mi]!.showAs) {
          case 'share_of_first_column':
            return firstCol < 0 ? null : share(v, raw[ri]![firstCol]![mi])
          case 'share_of_row_total':
            return totalCol < 0 ? null : share(v, raw[ri]![totalCol]![mi])
          case 'share_of_column_total':
            return totalRow < 0 ? null : share(v, raw[totalRow]![ci]![mi])
          case 'share_of_grand_total':
            return totalRow < 0 || totalCol < 0 ? null : share(v, raw[totalRow]![totalCol]![mi])
          default:
            return v
        }
      }),
    ),
  )
}

export { localized }
