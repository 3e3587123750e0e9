import type { JsonLogic } from '@trellis/rule-engine'
import type { PivotMeta } from './compile-pivot.js'
import { fail } from './errors.js'
import type { HeaderCell } from './grid/to-grid.js'
import type { DimensionMeta } from './sql/dimensions.js'
import type { PivotSpec } from './types.js'
import { localMidnight, nextBucket } from './zone.js'

/** A grid cell: the header cells of its row and column (fewer than the dimensions for a (sub)total). */
export interface DrillCell {
  rows: HeaderCell[]
  columns: HeaderCell[]
  /** The grid's `topValues`, needed to drill into an "others" bucket. */
  topValues?: Record<string, Array<string | number | boolean>>
}

/**
 * The JsonLogic filter that selects exactly the records behind a cell: the spec's filter AND one condition
 * per dimension the cell fixes. Field names are the spec's (`customer.tier`, `window:r`), so the filter runs
 * through the same field resolution as the pivot.
 */
export function drillDown(spec: PivotSpec, cell: DrillCell, meta: PivotMeta): JsonLogic {
  const parts: JsonLogic[] = []
  if (spec.filter !== undefined && spec.filter !== null) parts.push(spec.filter)
  const add = (dims: DimensionMeta[], cells: HeaderCell[], axis: string) => {
    if (cells.length > dims.length)
      fail('invalid_cell', `The cell has more ${axis} values than dimensions`, axis)
    cells.forEach((c, i) =>
      parts.push(dimensionCondition(dims[i]!, c, meta.timeZone, cell.topValues, `${axis}.${i}`)),
    )
  }
  add(meta.rows, cell.rows, 'rows')
  add(meta.columns, cell.columns, 'columns')
  if (parts.length === 0) return true
  return parts.length === 1 ? parts[0] : { and: parts }
}

function dimensionCondition(
  dim: DimensionMeta,
  cell: HeaderCell,
  timeZone: string,
  topValues: DrillCell['topValues'],
  path: string,
): JsonLogic {
  const v = { var: dim.field }
  if (cell.others) {
    const shown = topValues?.[dim.path]
    if (dim.kind !== 'value' || !shown)
      fail('drill_unsupported', 'Cannot drill into this "others" bucket', path)
    return { and: [{ '!=': [v, null] }, { '!': { in: [v, shown] } }] }
  }
  switch (dim.kind) {
    case 'value':
      return { '==': [v, cell.value] }
    case 'bucket': {
      if (cell.value === null) return { '==': [v, null] }
      const start = String(cell.value)
      const end = nextBucket(start, dim.bucket!)
      const bound = (d: string) => (dim.fieldType === 'datetime' ? localMidnight(d, timeZone) : d)
      // JsonLogic compares like JavaScript, where null >= 0: empty values are excluded explicitly.
      return { and: [{ '!=': [v, null] }, { '>=': [v, bound(start)] }, { '<': [v, bound(end)] }] }
    }
    case 'bin': {
      if (cell.value === null) return { '==': [v, null] }
      const lo = Number(cell.value)
      return { and: [{ '!=': [v, null] }, { '>=': [v, lo] }, { '<': [v, lo + dim.bin!.width] }] }
    }
    case 'case': {
      const cases = dim.cases ?? []
      const index = cases.findIndex((c) => c.value === cell.value)
      const earlier = (index < 0 ? cases : cases.slice(0, index)).map((c) => ({ '!': c.when }))
      const own = index >= 0 ? [cases[index]!.when] : []
      const all = [...earlier, ...own]
      return all.length === 1 ? all[0] : { and: all }
    }
    default:
      return fail('drill_unsupported', `Cannot drill into a ${dim.kind} dimension`, path)
  }
}
