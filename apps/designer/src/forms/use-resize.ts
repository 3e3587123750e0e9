import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react'
import { clampSpan, GRID_COLUMNS } from './state/layout'

/**
 * Resizing by the right edge: while the pointer moves the card shows the new span locally, and one
 * `onCommit` on release makes one undo step (not one per column crossed).
 */
export function useResize(span: number, onCommit: (span: number) => void) {
  const [preview, setPreview] = useState<number | undefined>()
  const start = useRef<{ x: number; span: number; column: number } | undefined>(undefined)

  const onPointerDown = (event: ReactPointerEvent<HTMLElement>) => {
    // Keeps the card's drag listeners from starting a move.
    event.stopPropagation()
    event.preventDefault()
    const grid = event.currentTarget.closest('[data-grid]')
    const width = grid?.getBoundingClientRect().width ?? GRID_COLUMNS * 160
    start.current = { x: event.clientX, span, column: width / GRID_COLUMNS }
    event.currentTarget.setPointerCapture?.(event.pointerId)
  }
  const onPointerMove = (event: ReactPointerEvent<HTMLElement>) => {
    const origin = start.current
    if (!origin) return
    setPreview(clampSpan(origin.span + (event.clientX - origin.x) / origin.column))
  }
  const onPointerUp = (event: ReactPointerEvent<HTMLElement>) => {
    const origin = start.current
    start.current = undefined
    event.currentTarget.releasePointerCapture?.(event.pointerId)
    const next = clampSpan(origin ? origin.span + (event.clientX - origin.x) / origin.column : span)
    setPreview(undefined)
    if (next !== span) onCommit(next)
  }

  return { span: preview ?? span, handle: { onPointerDown, onPointerMove, onPointerUp } }
}
