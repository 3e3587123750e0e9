import type { PivotGrid } from '@trellis/report-engine'
import { useTranslation } from 'react-i18next'
import type { GridCellRef } from './chart-cell'
import styles from './charts.module.css'
import { formatCell, textOf } from './format'

export interface PivotTableProps {
  grid: PivotGrid
  /** A click on a value: the records behind it can be drilled into. */
  onCell?: (cell: GridCellRef) => void
  selected?: GridCellRef | null
}

/**
 * A pivot grid as a table: row headers on the left (a (sub)total spans the levels it sums), one column
 * group per grid column with one cell per measure. Values are buttons when they can be drilled into.
 */
export function PivotTable({ grid, onCell, selected }: PivotTableProps) {
  const { t } = useTranslation()
  const depth = Math.max(grid.rowDimensions.length, 1)
  const measures = grid.measures
  const head = grid.rowDimensions.map((d) => textOf(d.label, grid.locale)).join(' / ')
  return (
    <div className={styles.tableBox}>
      <table className={styles.pivot} data-testid="pivot-table">
        <thead>
          <tr>
            <th scope="col" colSpan={depth} rowSpan={measures.length > 1 ? 2 : 1}>
              {head}
            </th>
            {grid.columns.map((c) => (
              <th key={c.key} scope="colgroup" colSpan={measures.length} data-total={c.total || undefined}>
                {grid.columnDimensions.length ? c.label : textOf(measures[0]!.label, grid.locale)}
              </th>
            ))}
          </tr>
          {measures.length > 1 && (
            <tr>
              {grid.columns.flatMap((c) =>
                measures.map((m) => (
                  <th key={`${c.key}:${m.key}`} scope="col">
                    {textOf(m.label, grid.locale)}
                  </th>
                )),
              )}
            </tr>
          )}
        </thead>
        <tbody>
          {grid.rows.map((r, ri) => (
            <tr key={r.key} data-total={r.total || undefined}>
              {grid.rowDimensions.length === 0 ? (
                <th scope="row">{r.label}</th>
              ) : (
                grid.rowDimensions.map((_, i) => {
                  if (r.total && i > r.level) return null
                  if (r.total && i === r.level)
                    return (
                      <th key={i} scope="row" colSpan={depth - r.level}>
                        {r.label}
                      </th>
                    )
                  return (
                    <th key={i} scope="row">
                      {r.cells[i]!.label}
                    </th>
                  )
                })
              )}
              {grid.columns.flatMap((c, ci) =>
                measures.map((m, mi) => {
                  const text = formatCell(grid.values[ri]![ci]![mi] ?? null, m, grid.locale)
                  const isSelected = selected?.row === ri && selected.column === ci
                  return (
                    <td key={`${c.key}:${m.key}`} data-selected={isSelected || undefined}>
                      {onCell && text !== '' ? (
                        <button
                          type="button"
                          className={styles.cellButton}
                          data-row={ri}
                          data-column={ci}
                          data-measure={m.key}
                          title={t('charts.drill')}
                          onClick={() => onCell({ row: ri, column: ci })}
                        >
                          {text}
                        </button>
                      ) : (
                        text
                      )}
                    </td>
                  )
                }),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
