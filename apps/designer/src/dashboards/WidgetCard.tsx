import { useDraggable, useDroppable } from '@dnd-kit/core'
import type { ChartSpec } from '@trellis/report-engine'
import { useRef, type Dispatch, type PointerEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { DashboardFilter, DashboardWidget, SavedReport } from '../api/reports'
import { textOf } from '../charts/format'
import { ReportView } from '../charts/ReportView'
import type { PaletteField } from '../reports/state/palette-fields'
import { Button } from '../ui/Button'
import { Select } from '../ui/inputs'
import styles from './dashboards.module.css'
import { GRID_COLUMNS, MIN_SPAN, type DashboardAction } from './state/dashboard-reducer'
import type { GridState } from './use-report-grids'

export const ROW_HEIGHT = 64

/** One widget in the editor: its report's chart, a drag handle to reorder, an edge to drag its width. */
export function WidgetCard({
  widget,
  report,
  grid,
  filters,
  fields,
  dispatch,
}: {
  widget: DashboardWidget
  report: SavedReport | undefined
  grid: GridState
  filters: readonly DashboardFilter[]
  fields: readonly PaletteField[]
  dispatch: Dispatch<DashboardAction>
}) {
  const { t, i18n } = useTranslation()
  const card = useRef<HTMLElement | null>(null)
  const drag = useDraggable({ id: `widget:${widget.key}`, data: { widget: widget.key } })
  const drop = useDroppable({ id: `before:${widget.key}`, data: { before: widget.key } })
  const title = widget.title ?? (report ? textOf(report.name, i18n.language) : widget.report)
  const chart: ChartSpec = widget.chart ?? report?.chart ?? { type: 'table' }

  // Width follows the pointer in whole grid columns, measured from the card's left edge.
  const startResize = (event: PointerEvent<HTMLDivElement>) => {
    const element = card.current
    const gridElement = element?.parentElement
    if (!element || !gridElement) return
    event.preventDefault()
    const handle = event.currentTarget
    handle.setPointerCapture(event.pointerId)
    const left = element.getBoundingClientRect().left
    const column = gridElement.getBoundingClientRect().width / GRID_COLUMNS
    const move = (e: globalThis.PointerEvent) => {
      const w = Math.round((e.clientX - left) / column)
      if (w !== widget.w) dispatch({ type: 'resize', key: widget.key, w })
    }
    const up = () => {
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', up)
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', up)
  }

  return (
    <article
      ref={(node) => {
        card.current = node
        drop.setNodeRef(node)
      }}
      className={styles.widget}
      style={{ gridColumn: `span ${widget.w}`, gridRow: `span ${widget.h}` }}
      data-widget={widget.key}
      data-span={widget.w}
      data-over={drop.isOver || undefined}
      data-dragging={drag.isDragging || undefined}
      aria-label={title}
    >
      <header className={styles.widgetHead}>
        <button
          ref={drag.setNodeRef}
          type="button"
          className={styles.handle}
          aria-label={t('dashboards.widget.move', { name: title })}
          {...drag.attributes}
          {...drag.listeners}
        >
          ⋮⋮
        </button>
        <h3 className={styles.widgetTitle}>{title}</h3>
        <Button
          size="small"
          variant="ghost"
          aria-label={t('dashboards.widget.narrower', { name: title })}
          disabled={widget.w <= MIN_SPAN}
          onClick={() => dispatch({ type: 'resize', key: widget.key, w: widget.w - 1 })}
        >
          −
        </Button>
        <Button
          size="small"
          variant="ghost"
          aria-label={t('dashboards.widget.wider', { name: title })}
          disabled={widget.w >= GRID_COLUMNS}
          onClick={() => dispatch({ type: 'resize', key: widget.key, w: widget.w + 1 })}
        >
          +
        </Button>
        <Button
          size="small"
          variant="ghost"
          aria-label={t('dashboards.widget.remove', { name: title })}
          onClick={() => dispatch({ type: 'removeWidget', key: widget.key })}
        >
          ×
        </Button>
      </header>
      <div className={styles.widgetBody}>
        {!report ? (
          <p className={styles.hint}>{t('dashboards.widget.missing')}</p>
        ) : grid === undefined ? (
          <p className={styles.hint}>{t('dashboards.loading')}</p>
        ) : 'error' in grid ? (
          <p className={styles.error}>{grid.error}</p>
        ) : (
          <ReportView
            grid={grid.grid}
            chart={chart}
            height={Math.max(widget.h * (ROW_HEIGHT + 12) - 12 - 100, 100)}
          />
        )}
      </div>
      {filters.length > 0 && (
        <footer className={styles.binds}>
          {filters.map((f) => (
            <Select
              key={f.key}
              className={styles.bindSelect}
              aria-label={t('dashboards.widget.bind', {
                filter: textOf(f.label, i18n.language) || f.key,
                name: title,
              })}
              value={widget.bind?.[f.key] ?? ''}
              onChange={(e) =>
                dispatch({ type: 'bind', widget: widget.key, filter: f.key, field: e.target.value || null })
              }
            >
              <option value="">
                {t('dashboards.widget.unbound', { filter: textOf(f.label, i18n.language) || f.key })}
              </option>
              {fields
                .filter((p) => (f.type === 'date_range' ? p.use === 'date' : p.use !== 'date'))
                .map((p) => (
                  <option key={p.ref} value={p.ref}>
                    {p.via ? `${textOf(p.via.label, i18n.language)}·` : ''}
                    {textOf(p.label, i18n.language) || p.ref}
                  </option>
                ))}
            </Select>
          ))}
        </footer>
      )}
      <div
        className={styles.resize}
        data-resize={widget.key}
        role="separator"
        aria-orientation="vertical"
        aria-label={t('dashboards.widget.resize', { name: title })}
        onPointerDown={startResize}
      />
    </article>
  )
}
