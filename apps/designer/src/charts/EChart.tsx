import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts'
import {
  DatasetComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'
import type { ChartPoint } from './chart-cell'
import styles from './charts.module.css'

// Only what the report engine's chart modules draw: this file is the on-demand chunk holding echarts.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  FunnelChart,
  HeatmapChart,
  DatasetComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
])

export interface EChartProps {
  option: Record<string, unknown>
  height?: number
  /** A click on a bar, point, slice or heat-map cell. */
  onPoint?: (point: ChartPoint) => void
  label?: string
}

/** One echarts instance per mount, resized with its box; the option is replaced whole on each change. */
export default function EChart({ option, height = 320, onPoint, label }: EChartProps) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  const clicked = useRef(onPoint)
  clicked.current = onPoint

  useEffect(() => {
    const element = box.current
    if (!element) return
    const instance = echarts.init(element, undefined, { renderer: 'canvas' })
    chart.current = instance
    instance.on('click', (params) => {
      const data = (params as { data?: unknown }).data
      clicked.current?.({
        seriesIndex: params.seriesIndex ?? 0,
        dataIndex: params.dataIndex,
        ...(Array.isArray(data) ? { data: data as number[] } : {}),
      })
    })
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(element)
    return () => {
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true })
  }, [option])

  return (
    <div
      ref={box}
      className={styles.chart}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid="echart"
      data-clickable={onPoint ? true : undefined}
    />
  )
}
