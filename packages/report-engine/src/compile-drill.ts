import type { JsonLogic } from '@trellis/rule-engine'
import { sql } from 'kysely'
import { baseCtes, compilePivot, preparePivot, type CompileOptions } from './compile-pivot.js'
import { drillDown, type DrillCell } from './drill-down.js'
import type { PivotSchema } from './schema.js'
import { compileSql, type CompiledSql } from './sql/compile-only.js'
import { condition } from './sql/field-resolver.js'
import type { PivotSpec } from './types.js'

export interface CompiledDrill extends CompiledSql {
  /** The JsonLogic filter selecting the cell's records (spec filter included). */
  filter: JsonLogic
}

/**
 * The records behind a cell: `id` and the total `count` of matching source records, ordered by id, one page.
 * It reuses the pivot's own base (joins, related aggregates, windows, row scope), so a drill-down counts
 * exactly what the cell aggregated.
 */
export function compileDrill(
  spec: PivotSpec,
  cell: DrillCell,
  schema: PivotSchema,
  options: CompileOptions & { limit?: number } = {},
): CompiledDrill {
  const { meta } = compilePivot(spec, schema, options)
  const cellOnly = drillDown({ ...spec, filter: undefined }, cell, meta)
  const prepared = preparePivot(spec, schema, options)
  const where = condition(cellOnly, prepared.resolver.scope(cellOnly, 'cell', true), 'cell')
  const limit = Math.max(0, Math.min(Math.floor(options.limit ?? 50), 500))
  // Window values exist in `base` only after its filter ran, so the cell's condition applies one level up.
  const query = sql`with ${baseCtes(prepared)} select id, count(*) over () as total from base where ${where} order by id limit ${limit}`
  return { ...compileSql(query), filter: drillDown(spec, cell, meta) }
}
