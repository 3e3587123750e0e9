import {
  closestCenter,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
} from '@dnd-kit/core'
import { useCallback, type Dispatch } from 'react'
import type { BuilderAction, DroppedField } from './state/builder-reducer'
import type { DropTarget, ItemDrag } from './PivotZones'
import type { PaletteDrag } from './ReportPalette'

// A chip under the pointer wins over the zone around it (the drop goes before that chip); keyboard drags
// have no pointer, so the nearest centre.
const collisions: CollisionDetection = (args) => {
  const within = pointerWithin(args)
  const chip = within.find((c) => String(c.id).startsWith('drop:'))
  if (chip) return [chip]
  return within.length ? within : closestCenter(args)
}

/** Drags from the palette and between zones, as builder actions. */
export function useDragDrop(dispatch: Dispatch<BuilderAction>, onFilterDrop: (field: DroppedField) => void) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor),
  )
  const onDragEnd = useCallback(
    ({ active, over }: DragEndEvent) => {
      const target = over?.data.current as DropTarget | undefined
      const from = active.data.current as PaletteDrag | ItemDrag | undefined
      if (!target || !from) return
      if (from.kind === 'field' && target.zone === 'filters') onFilterDrop(from.field)
      else if (from.kind === 'field')
        dispatch({
          type: 'drop',
          field: from.field,
          zone: target.zone,
          ...(target.index !== undefined ? { index: target.index } : {}),
        })
      else
        dispatch({
          type: 'move',
          from: { zone: from.zone, index: from.index },
          to: { zone: target.zone, ...(target.index !== undefined ? { index: target.index } : {}) },
        })
    },
    [dispatch, onFilterDrop],
  )
  return { sensors, collisionDetection: collisions, onDragEnd }
}
