import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Point } from './state/flow-doc'
import { PALETTE, PALETTE_GROUPS, type PaletteItem } from './state/palette'
import styles from './flows.module.css'

/** Pixels the pointer must travel before a press on an entry becomes a drag (else it is a click). */
const DRAG_DISTANCE = 4

/**
 * The node palette. Dragging uses pointer events rather than HTML5 drag and drop: the ghost follows the
 * pointer on touch screens too, and the drop point is the pointer's, which the canvas maps to flow
 * coordinates. A click (or Enter) adds the node in the middle of the visible canvas.
 */
export function NodePalette({
  onDrop,
  onAdd,
}: {
  onDrop: (item: PaletteItem, client: Point) => void
  onAdd: (item: PaletteItem) => void
}) {
  const { t } = useTranslation()
  const [ghost, setGhost] = useState<{ item: PaletteItem; x: number; y: number } | null>(null)
  const press = useRef<{ item: PaletteItem; x: number; y: number; dragging: boolean } | null>(null)
  const handlers = useRef({ onDrop, onAdd })
  handlers.current = { onDrop, onAdd }

  useEffect(() => {
    const move = (event: PointerEvent) => {
      const current = press.current
      if (!current) return
      if (
        !current.dragging &&
        Math.hypot(event.clientX - current.x, event.clientY - current.y) < DRAG_DISTANCE
      )
        return
      current.dragging = true
      setGhost({ item: current.item, x: event.clientX, y: event.clientY })
    }
    const up = (event: PointerEvent) => {
      const current = press.current
      press.current = null
      if (!current) return
      setGhost(null)
      if (current.dragging) handlers.current.onDrop(current.item, { x: event.clientX, y: event.clientY })
      else handlers.current.onAdd(current.item)
    }
    const cancel = () => {
      press.current = null
      setGhost(null)
    }
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', up)
    window.addEventListener('pointercancel', cancel)
    return () => {
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', up)
      window.removeEventListener('pointercancel', cancel)
    }
  }, [])

  return (
    <div className={styles.palette} aria-label={t('flows.palette.title')} role="group">
      {PALETTE_GROUPS.map((group) => (
        <div key={group} className={styles.paletteGroup}>
          <h3 className={styles.subhead}>{t(`flows.palette.${group}`)}</h3>
          {PALETTE.filter((item) => item.group === group).map((item) => (
            <button
              key={item.id}
              type="button"
              className={styles.paletteItem}
              data-palette={item.id}
              onPointerDown={(event) => {
                if (event.button !== 0) return
                event.preventDefault()
                press.current = { item, x: event.clientX, y: event.clientY, dragging: false }
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault()
                  onAdd(item)
                }
              }}
            >
              {t(`flows.palette.item.${item.id}`)}
            </button>
          ))}
        </div>
      ))}
      {ghost && (
        <div className={styles.ghost} style={{ left: ghost.x, top: ghost.y }} aria-hidden>
          {t(`flows.palette.item.${ghost.item.id}`)}
        </div>
      )}
    </div>
  )
}
