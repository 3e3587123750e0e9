import { useEffect, useRef, useState, type ReactNode } from 'react'
import { visibleRange } from './table-state'
import styles from './records.module.css'

export interface VirtualListProps {
  count: number
  itemHeight: number
  renderItem: (index: number) => ReactNode
  /** Called when the last rendered item is within a screen of the end: time to load the next page. */
  onNearEnd?: () => void
  header?: ReactNode
  /** The rows' least width (a table's columns): narrower screens scroll sideways. */
  minWidth?: number
  /** For assistive technology: the list's role and label (a grid on a desk, a list of cards on a phone). */
  role?: string
  label?: string
  testId?: string
}

/**
 * A fixed-height windowing list: only the rows in view (plus overscan) are in the DOM, so 100,000 loaded
 * rows scroll like 50. Fixed heights keep it arithmetic; a sticky header rides along for tables.
 */
export function VirtualList({
  count,
  itemHeight,
  renderItem,
  onNearEnd,
  header,
  minWidth,
  role,
  label,
  testId,
}: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null)
  // The first row in view, not the scroll offset: most scroll events move less than a row (a trackpad sends
  // dozens a second), and React skips the render when the row is unchanged.
  const [first, setFirst] = useState(0)
  const [viewport, setViewport] = useState(600)

  useEffect(() => {
    const element = ref.current
    if (!element) return
    const measure = () => setViewport(element.clientHeight || 600)
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  const { start, end } = visibleRange(first * itemHeight, viewport, itemHeight, count)
  useEffect(() => {
    if (onNearEnd && end >= count - Math.ceil(viewport / itemHeight)) onNearEnd()
  }, [end, count, viewport, itemHeight, onNearEnd])

  // The rows already in view keep their elements while the list scrolls: the same element is a subtree React
  // skips, so a scroll renders only the rows that come into view. A new `renderItem` (the rows, columns,
  // selection or language changed) renders them all again.
  const cache = useRef<{
    renderItem: VirtualListProps['renderItem']
    itemHeight: number
    rows: Map<number, ReactNode>
  }>({ renderItem, itemHeight, rows: new Map() })
  if (cache.current.renderItem !== renderItem || cache.current.itemHeight !== itemHeight)
    cache.current = { renderItem, itemHeight, rows: new Map() }
  const kept = cache.current.rows
  const rows = new Map<number, ReactNode>()
  const items: ReactNode[] = []
  for (let index = start; index < end; index++) {
    const item = kept.get(index) ?? (
      <div key={index} className={styles.virtualItem} style={{ top: index * itemHeight, height: itemHeight }}>
        {renderItem(index)}
      </div>
    )
    rows.set(index, item)
    items.push(item)
  }
  cache.current.rows = rows
  return (
    <div
      ref={ref}
      className={styles.scroller}
      role={role}
      aria-label={label}
      aria-rowcount={role === 'grid' ? count : undefined}
      data-testid={testId}
      onScroll={(event) => setFirst(Math.floor(Math.max(0, event.currentTarget.scrollTop) / itemHeight))}
    >
      {header}
      <div className={styles.virtualBody} style={{ height: count * itemHeight, minWidth }}>
        {items}
      </div>
    </div>
  )
}
