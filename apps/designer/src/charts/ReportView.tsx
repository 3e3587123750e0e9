import { toChartOption, type ChartSpec, type PivotGrid } from '@trellis/report-engine'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Notice } from '../ui/Notice'
import { Chart } from './Chart'
import { cellOfPoint, type GridCellRef } from './chart-cell'
import styles from './charts.module.css'
import { PivotTable } from './PivotTable'

export interface ReportViewProps {
  grid: PivotGrid
  chart: ChartSpec
  /** Show the pivot table under the chart (the builder does; dashboards show the chart alone). */
  withTable?: boolean
  height?: number
  onCell?: (cell: GridCellRef) => void
  selected?: GridCellRef | null
  label?: string
}

/**
 * A pivot's answer drawn as its report says: the engine's echarts option (the same `toChartOption` the
 * server uses for saved reports), or the pivot table for table charts; both report clicks as grid cells.
 */
export function ReportView({ grid, chart, withTable, height, onCell, selected, label }: ReportViewProps) {
  const { t } = useTranslation()
  const tabular = chart.type === 'table' || chart.type === 'pivot'
  const option = useMemo(() => {
    if (tabular) return null
    try {
      return { option: toChartOption(grid, chart), error: null }
    } catch (error) {
      return { option: null, error: error instanceof Error ? error.message : String(error) }
    }
  }, [grid, chart, tabular])
  const table = <PivotTable grid={grid} {...(onCell ? { onCell } : {})} selected={selected ?? null} />
  if (tabular) return table
  return (
    <div className={styles.view}>
      {option?.error && <Notice tone="warning">{t('charts.cannotDraw', { message: option.error })}</Notice>}
      {option?.option && (
        <Chart
          option={option.option}
          {...(height ? { height } : {})}
          {...(label ? { label } : {})}
          {...(onCell
            ? {
                onPoint: (point) => {
                  const cell = cellOfPoint(chart.type, grid, point)
                  if (cell) onCell(cell)
                },
              }
            : {})}
        />
      )}
      {withTable && table}
    </div>
  )
}
