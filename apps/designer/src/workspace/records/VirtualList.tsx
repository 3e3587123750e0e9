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
  role,
  label,
  testId,
}: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
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

  const { start, end } = visibleRange(scrollTop, viewport, itemHeight, count)
  useEffect(() => {
    if (onNearEnd && end >= count - Math.ceil(viewport / itemHeight)) onNearEnd()
  }, [end, count, viewport, itemHeight, onNearEnd])

  const items: ReactNode[] = []
  for (let index = start; index < end; index++) {
    items.push(
      <div key={index} className={styles.virtualItem} style={{ top: index * itemHeight, height: itemHeight }}>
        {renderItem(index)}
      </div>,
    )
  }
  return (
    <div
      ref={ref}
      className={styles.scroller}
      role={role}
      aria-label={label}
      aria-rowcount={role === 'grid' ? count : undefined}
      data-testid={testId}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      {header}
      <div className={styles.virtualBody} style={{ height: count * itemHeight }}>
        {items}
      </div>
    </div>
  )
}
